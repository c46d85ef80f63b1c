/**
 * `ocf:tandem:webserver`: a tiny HTTP server as a child process answering `Hello <Node>`
 * on ip:port (the lab's web servers). Parameters: `port` (required), `ip` (default
 * 127.0.0.1), `message` (default `Hello <Node>`, the node name capitalized as in the
 * tutorial). Its PID and start time live in HA_RSCTMP, so a restarted executor finds it.
 * monitor = process alive *and* an HTTP answer.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isProcessAlive, procStat, waitFor } from "../proc.js";
import {
  OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS,
} from "../types.js";
import type { AgentRequest, AgentResult, AgentRunner } from "../types.js";
import { inProcessResult } from "./dummy.js";

/** The web server program (`node WEBSERVER_MAIN IP PORT MESSAGE`), e.g. for a lab's httpd unit. */
export const WEBSERVER_MAIN = fileURLToPath(new URL("./webserver-main.js", import.meta.url));
const MAIN = WEBSERVER_MAIN;

interface ServerState {
  pid: number;
  startTime: number;
  ip: string;
  port: number;
}

/** One GET; resolves with the body or undefined on any failure within `timeoutMs`. */
export function httpGet(ip: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: ip, port, path: "/", method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(res.statusCode === 200 ? body : undefined));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve(undefined);
    });
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

function capitalize(name: string): string {
  return name.length === 0 ? name : `${name[0]?.toUpperCase() ?? ""}${name.slice(1)}`;
}

export class BuiltinWebserverAgent implements AgentRunner {
  readonly name = "ocf:tandem:webserver";
  constructor(private readonly rscTmpDir: string, private readonly nodeName?: string) {}

  private statePath(request: AgentRequest): string {
    return join(this.rscTmpDir, `tandem-webserver-${request.resourceId}.json`);
  }

  private readState(request: AgentRequest): ServerState | undefined {
    try {
      return JSON.parse(readFileSync(this.statePath(request), "utf8")) as ServerState;
    } catch {
      return undefined;
    }
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const started = performance.now();
    const deadline = started + request.timeoutMs;
    const ip = request.params["ip"] ?? "127.0.0.1";
    const port = Number(request.params["port"]);
    const node = request.meta["on_node"] ?? this.nodeName ?? hostname();
    const message = request.params["message"] ?? `Hello ${capitalize(node)}`;
    const validPort = Number.isInteger(port) && port > 0 && port <= 65535;
    switch (request.action) {
      case "start": {
        if (!validPort) return inProcessResult({ rc: OCF_ERR_CONFIGURED, reason: `invalid port '${request.params["port"] ?? ""}'` }, started);
        if ((await this.monitor(request, deadline)).rc === OCF_SUCCESS) return inProcessResult({ rc: OCF_SUCCESS }, started);
        mkdirSync(this.rscTmpDir, { recursive: true });
        const logPath = join(this.rscTmpDir, `tandem-webserver-${request.resourceId}.log`);
        const log = openSync(logPath, "a");
        let pid: number | undefined;
        let exited = false;
        try {
          const child = spawn(process.execPath, [MAIN, ip, String(port), message], { detached: true, stdio: ["ignore", log, log] });
          child.once("exit", () => (exited = true));
          child.once("error", () => (exited = true));
          child.unref();
          pid = child.pid;
        } finally {
          closeSync(log);
        }
        const st = pid === undefined ? undefined : procStat(pid);
        if (pid === undefined || st === undefined) return inProcessResult({ rc: OCF_ERR_GENERIC, reason: "cannot spawn the web server" }, started);
        const state: ServerState = { pid, startTime: st.startTime, ip, port };
        writeFileSync(`${this.statePath(request)}.tmp`, JSON.stringify(state));
        renameSync(`${this.statePath(request)}.tmp`, this.statePath(request));
        let answered = false;
        while (!exited && !answered && performance.now() < deadline && request.signal?.aborted !== true) {
          answered = (await httpGet(ip, port, Math.min(200, Math.max(1, deadline - performance.now())))) !== undefined;
          if (!answered) await waitFor(() => exited, 10, 5);
        }
        if (answered) return inProcessResult({ rc: OCF_SUCCESS }, started);
        const tail = (() => {
          try {
            return readFileSync(logPath, "utf8").trim().split("\n").at(-1) ?? "";
          } catch {
            return "";
          }
        })();
        if (!exited) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            /* gone */
          }
          rmSync(this.statePath(request), { force: true });
          if (request.signal?.aborted === true) return inProcessResult({ rc: OCF_ERR_GENERIC, reason: "cancelled" }, started, { cancelled: true });
          return inProcessResult({ rc: OCF_ERR_GENERIC, reason: "web server did not answer before the timeout" }, started, { timedOut: true });
        }
        rmSync(this.statePath(request), { force: true });
        return inProcessResult({ rc: OCF_ERR_GENERIC, reason: `web server exited: ${tail}` }, started);
      }
      case "monitor":
      case "status": {
        const m = await this.monitor(request, deadline);
        return inProcessResult(m, started);
      }
      case "stop": {
        const state = this.readState(request);
        if (state !== undefined && isProcessAlive(state.pid, state.startTime)) {
          try {
            process.kill(state.pid, "SIGTERM");
          } catch {
            /* gone */
          }
          const gone = await waitFor(() => !isProcessAlive(state.pid, state.startTime), Math.max(0, deadline - performance.now() - 100));
          if (!gone) {
            try {
              process.kill(state.pid, "SIGKILL");
            } catch {
              /* gone */
            }
            await waitFor(() => !isProcessAlive(state.pid, state.startTime), 1000);
          }
          if (isProcessAlive(state.pid, state.startTime)) return inProcessResult({ rc: OCF_ERR_GENERIC, reason: "web server would not die" }, started);
        }
        rmSync(this.statePath(request), { force: true });
        return inProcessResult({ rc: OCF_SUCCESS }, started);
      }
      case "validate-all":
        return inProcessResult(validPort ? { rc: OCF_SUCCESS } : { rc: OCF_ERR_CONFIGURED, reason: "port is required" }, started);
      case "notify":
        return inProcessResult({ rc: OCF_SUCCESS }, started);
      case "meta-data":
        return inProcessResult({ rc: OCF_SUCCESS, stdout: WEBSERVER_METADATA }, started);
      case "reload":
      case "reload-agent":
      case "restart":
      case "promote":
      case "demote":
      case "migrate_to":
      case "migrate_from":
        return inProcessResult({ rc: OCF_ERR_UNIMPLEMENTED, reason: `webserver does not implement '${request.action}'` }, started);
    }
  }

  private async monitor(request: AgentRequest, deadline: number): Promise<{ rc: number; reason?: string }> {
    const state = this.readState(request);
    if (state === undefined || !isProcessAlive(state.pid, state.startTime)) return { rc: OCF_NOT_RUNNING };
    const body = await httpGet(state.ip, state.port, Math.max(1, Math.min(2000, deadline - performance.now())));
    return body === undefined ? { rc: OCF_ERR_GENERIC, reason: `no HTTP answer on ${state.ip}:${state.port}` } : { rc: OCF_SUCCESS };
  }
}

/** The metadata `meta-data` prints; the CLI validates parameters against it. */
export const WEBSERVER_METADATA = `<?xml version="1.0"?>
<resource-agent name="webserver" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">Tandem's demo web server</shortdesc>
  <longdesc lang="en">Answers every HTTP request with one line, by default "Hello Node".</longdesc>
  <parameters>
    <parameter name="ip"><shortdesc lang="en">Address to listen on</shortdesc><content type="string" default="127.0.0.1"/></parameter>
    <parameter name="port" required="1"><shortdesc lang="en">TCP port</shortdesc><content type="integer"/></parameter>
    <parameter name="message"><shortdesc lang="en">The answer</shortdesc><content type="string"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>
`;
