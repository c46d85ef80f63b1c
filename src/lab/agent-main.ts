/**
 * The lab's node agent (pcsd's role, on pcsd's port): `POST /cluster/start` or
 * `/cluster/stop` runs `tandem cluster start|stop` for this node, here, and answers
 * `{code, stdout, stderr}` as JSON. Arguments: ADDRESS PORT TANDEM_BIN. It listens only on
 * the node's lab address; one command at a time; each bounded to 150 s.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const [address = "", portText = "", tandemBin = ""] = process.argv.slice(2);
const port = Number(portText);
if (address === "" || !Number.isInteger(port) || port <= 0 || tandemBin === "") {
  process.stderr.write("usage: agent-main.js ADDRESS PORT TANDEM_BIN\n");
  process.exit(2);
}
const COMMAND_TIMEOUT_MS = 150_000;

interface Answer {
  code: number;
  stdout: string;
  stderr: string;
}

function runTandem(args: readonly string[]): Promise<Answer> {
  // Without TANDEM_LAB the command acts on this node only (no agent round trip).
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["TANDEM_LAB"];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tandemBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    child.on("error", (err) => resolve({ code: 1, stdout, stderr: stderr + err.message + "\n" }));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

let queue: Promise<unknown> = Promise.resolve();

const server = createServer((req, res) => {
  const match = /^\/cluster\/(start|stop)$/.exec(req.url ?? "");
  if (req.method !== "POST" || match === null) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("POST /cluster/start or /cluster/stop\n");
    return;
  }
  req.resume();
  const action = match[1] as "start" | "stop";
  const run = queue.then(() => runTandem(["cluster", action]));
  queue = run.catch(() => undefined);
  void run.then((answer) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
});
server.on("error", (err) => {
  process.stderr.write(`lab agent: ${err.message}\n`);
  process.exit(1);
});
server.listen({ host: address, port }, () => process.stdout.write(`lab agent: listening on ${address}:${port}\n`));
process.on("SIGTERM", () => process.exit(0));
