// The official socket.io client, unchanged, driven by examples/tests/roles.rs.
// usage: node roles.js <backend url> <jwt> <session> <once|stay>
// Joins the session's room and prints one JSON line per thing that happens. `once`: then tries
// a send there and exits with its answer. `stay`: stays until the server disconnects it (or 120 s,
// which only stops a hang).
const { io } = require("socket.io-client");
const [url, token, session, mode] = process.argv.slice(2);
const log = (kind, data) => console.log(JSON.stringify({ kind, data }));
const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
socket.on("connect", () => {
  log("connect", socket.id);
  socket.emit("join-session", session, (ack) => {
    log("join-ack", ack);
    if (mode !== "once") return;
    socket.emit("send-message", { sessionName: session, phone: "5521988887777", message: "pelo socket" }, (sent) => {
      log("send-ack", sent);
      process.exit(0);
    });
  });
});
socket.on("connect_error", (error) => {
  log("connect_error", error.message);
  process.exit(0);
});
socket.on("disconnect", (reason) => {
  log("disconnect", reason);
  process.exit(0);
});
setTimeout(() => process.exit(0), 120000);
