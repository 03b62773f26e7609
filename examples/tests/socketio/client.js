// The official socket.io client, unchanged, driven by examples/tests/socketio.rs.
// usage: node client.js <backend url> <jwt> <session> <phone>
// Prints one JSON line per thing that happens; exits once the sent message is read, or after 15 s.
const { io } = require("socket.io-client");
const [url, token, session, phone] = process.argv.slice(2);
const log = (kind, data) => console.log(JSON.stringify({ kind, data }));
const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
socket.on("connect", () => {
  log("connect", socket.id);
  socket.emit("join-session", session, (ack) => {
    log("join-ack", ack);
    socket.emit("send-message", { sessionName: session, phone, message: "pelo socket.io" }, (sent) => log("send-ack", sent));
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
for (const event of ["new-message", "status-update", "session-status"]) {
  socket.on(event, (data) => {
    log(event, data);
    // every push is {session, data}, as over Server-Sent Events
    if (event === "status-update" && data.data.status === "read") {
      socket.close();
      process.exit(0);
    }
  });
}
setTimeout(() => process.exit(0), 15000);
