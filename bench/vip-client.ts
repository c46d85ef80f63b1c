/**
 * The failover benchmark's client, run inside the lab's client host: every INTERVAL ms it
 * opens a NEW connection to URL (no keep-alive) and sends one GET, for DURATION ms (so at
 * most DURATION/INTERVAL requests), each bounded by TIMEOUT ms. Prints one JSON array of
 * {sent, done, body?} (wall-clock ms; body undefined = failed) when the last one settles.
 * Arguments: URL DURATION_MS INTERVAL_MS TIMEOUT_MS.
 */
import { request } from "node:http";

const [url = "", durationText = "", intervalText = "", timeoutText = ""] = process.argv.slice(2);
const durationMs = Number(durationText);
const intervalMs = Number(intervalText);
const timeoutMs = Number(timeoutText);
if (url === "" || !(durationMs > 0 && durationMs <= 120_000) || !(intervalMs >= 5) || !(timeoutMs > 0 && timeoutMs <= 10_000)) {
  process.stderr.write("usage: vip-client.js URL DURATION_MS(<=120000) INTERVAL_MS(>=5) TIMEOUT_MS(<=10000)\n");
  process.exit(2);
}

interface Sample {
  sent: number;
  done: number;
  body?: string;
}

function once(): Promise<Sample> {
  const sent = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (body: string | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(body === undefined ? { sent, done: Date.now() } : { sent, done: Date.now(), body });
    };
    const req = request(url, { agent: false, headers: { connection: "close" }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => finish(res.statusCode === 200 ? body.trim() : undefined));
      res.on("error", () => finish(undefined));
    });
    req.on("timeout", () => {
      req.destroy();
      finish(undefined);
    });
    req.on("error", () => finish(undefined));
    req.end();
  });
}

const started = Date.now();
const pending: Promise<Sample>[] = [];
await new Promise<void>((resolve) => {
  const tick = (): void => {
    if (Date.now() - started >= durationMs) {
      clearInterval(timer);
      resolve();
      return;
    }
    pending.push(once());
  };
  const timer = setInterval(tick, intervalMs);
  tick();
});
process.stdout.write(JSON.stringify(await Promise.all(pending)) + "\n");
