/**
 * The child process of `ocf:tandem:webserver`: answers every HTTP request with one line
 * (`Hello <Node>`). Arguments: IP PORT MESSAGE. Exits on SIGTERM after closing the socket.
 */
import { createServer } from "node:http";

const [ip = "127.0.0.1", portText = "", message = "Hello"] = process.argv.slice(2);
const port = Number(portText);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`webserver: invalid port '${portText}'\n`);
  process.exit(2);
}
const body = `${message}\n`;
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
});
server.on("error", (err) => {
  process.stderr.write(`webserver: ${err.message}\n`);
  process.exit(1);
});
// Binding an address this node does not hold yet needs net.ipv4.ip_nonlocal_bind=1 (the lab sets it).
server.listen({ host: ip, port, exclusive: true }, () => {
  process.stdout.write(`webserver: listening on ${ip}:${port}\n`);
});
const shutdown = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
