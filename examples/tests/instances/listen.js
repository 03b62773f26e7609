// The official socket.io client, unchanged, driven by examples/tests/instances.rs.
// usage: node listen.js <backend url> <jwt> <session>
// Joins the session's room and prints one JSON line per thing that happens, until killed
// (or after 5 minutes, should the test that drives it be gone).
const { io } = require("socket.io-client");
const [url, token, session] = process.argv.slice(2);
const log = (kind, data) => console.log(JSON.stringify({ kind, data }));
const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
socket.on("connect", () => {
  log("connect", socket.id);
  socket.emit("join-session", session, (ack) => log("join-ack", ack));
});
socket.on("connect_error", (error) => {
  log("connect_error", error.message);
  process.exit(0);
});
socket.on("disconnect", (reason) => {
  log("disconnect", reason);
  process.exit(0);
});
for (const event of ["new-message", "status-update", "session-status"]) {
  socket.on(event, (data) => log(event, data));
}
setTimeout(() => process.exit(0), 300000);
