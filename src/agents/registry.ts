/**
 * Chooses the agent class for a primitive's `class:provider:type`, as Pacemaker's
 * `resources_action_create` does: ocf scripts, systemd (systemctl or Tandem's own
 * supervision), lsb, service (lsb if an init script exists, else systemd), and the
 * built-in agents of provider `tandem` (other modules can register more built-ins, e.g.
 * a virtual-IP agent standing in for a missing ocf:heartbeat:IPaddr2).
 */
import { join } from "node:path";
import { TandemError } from "../core/index.js";
import { BuiltinDummyAgent } from "./builtin/dummy.js";
import { BuiltinWebserverAgent } from "./builtin/webserver.js";
import { LsbAgent } from "./lsb-agent.js";
import { OcfScriptAgent } from "./ocf-agent.js";
import { SupervisedServiceAgent } from "./systemd/supervisor.js";
import { isSystemdPid1, SystemctlAgent } from "./systemd/systemctl.js";
import { DEFAULT_UNIT_DIRS, findUnitFile, serviceUnitName } from "./systemd/unit-loader.js";
import type { AgentClass, AgentRunner, AgentSpec } from "./types.js";

export type SystemdMode = "auto" | "systemctl" | "supervised";

export interface AgentRegistryOptions {
  /** OCF_ROOT, default /usr/lib/ocf. */
  ocfRoot?: string;
  /** HA_RSCTMP for OCF scripts and the built-in agents' state, default /run/resource-agents. */
  rscTmpDir?: string;
  /** The executor's state dir; supervised systemd services keep their PIDs in `<stateDir>/systemd`. */
  stateDir: string;
  /** Unit dirs searched before systemd's own (labs, tests), highest priority first. */
  extraUnitDirs?: readonly string[];
  /** Replace systemd's search path entirely (tests that must not see the host's units). */
  unitDirs?: readonly string[];
  initDir?: string;
  /** `auto`: systemctl when systemd is PID 1, else supervised. */
  systemdMode?: SystemdMode;
  /** Grace period a supervised simple service must survive to count as started (ms). */
  startSettleMs?: number;
  nodeName?: string;
}

export type BuiltinFactory = (options: Readonly<AgentRegistryOptions> & { rscTmpDir: string }) => AgentRunner;

const AGENT_CLASSES: readonly AgentClass[] = ["ocf", "systemd", "lsb", "service"];

/** Parses `ocf:heartbeat:IPaddr2`, `systemd:haproxy`, `lsb:nginx`, `service:httpd`. */
export function parseAgentSpec(text: string): AgentSpec {
  const parts = text.split(":");
  const cls = parts[0] ?? "";
  if (!(AGENT_CLASSES as readonly string[]).includes(cls)) {
    throw new TandemError("AGENT_SPEC_INVALID", `unknown resource agent class '${cls}' in '${text}' (valid: ${AGENT_CLASSES.join(", ")})`);
  }
  const agentClass = cls as AgentClass;
  const valid = /^[A-Za-z0-9_.@+-]+$/;
  if (agentClass === "ocf") {
    const [, provider, type] = parts;
    if (parts.length !== 3 || provider === undefined || type === undefined || !valid.test(provider) || !valid.test(type)) {
      throw new TandemError("AGENT_SPEC_INVALID", `'${text}' is not ocf:PROVIDER:TYPE`);
    }
    return { agentClass, provider, type };
  }
  const type = parts.slice(1).join(":");
  if (parts.length !== 2 || !valid.test(type)) throw new TandemError("AGENT_SPEC_INVALID", `'${text}' is not ${agentClass}:NAME`);
  return { agentClass, type };
}

export class AgentRegistry {
  private readonly cache = new Map<string, AgentRunner>();
  private readonly builtins = new Map<string, BuiltinFactory>();
  private readonly opts: AgentRegistryOptions & { ocfRoot: string; rscTmpDir: string; initDir: string };
  readonly unitDirs: readonly string[];
  private readonly supervised: boolean;

  constructor(options: AgentRegistryOptions) {
    this.opts = {
      ...options,
      ocfRoot: options.ocfRoot ?? "/usr/lib/ocf",
      rscTmpDir: options.rscTmpDir ?? "/run/resource-agents",
      initDir: options.initDir ?? "/etc/init.d",
    };
    this.unitDirs = [...(options.extraUnitDirs ?? []), ...(options.unitDirs ?? DEFAULT_UNIT_DIRS)];
    const mode = options.systemdMode ?? "auto";
    this.supervised = mode === "supervised" || (mode === "auto" && !isSystemdPid1());
    this.registerBuiltin("tandem", "Dummy", (o) => new BuiltinDummyAgent(o.rscTmpDir));
    this.registerBuiltin("tandem", "webserver", (o) => new BuiltinWebserverAgent(o.rscTmpDir, o.nodeName));
  }

  /** Whether systemd units run under Tandem's supervision (true) or through systemctl. */
  get supervisesSystemd(): boolean {
    return this.supervised;
  }

  /**
   * Adds a built-in agent `ocf:PROVIDER:TYPE`. For a provider other than `tandem` it is
   * only used when no real script of that name is installed.
   */
  registerBuiltin(provider: string, type: string, factory: BuiltinFactory): void {
    this.builtins.set(`${provider}:${type}`, factory);
  }

  /** The runner for an agent; AGENT_NOT_FOUND when nothing on this node implements it. */
  resolve(spec: AgentSpec | string): AgentRunner {
    const s = typeof spec === "string" ? parseAgentSpec(spec) : spec;
    const key = `${s.agentClass}:${s.provider ?? ""}:${s.type}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const runner = this.create(s);
    this.cache.set(key, runner);
    return runner;
  }

  private create(s: AgentSpec): AgentRunner {
    switch (s.agentClass) {
      case "ocf": {
        const provider = s.provider ?? "";
        const builtin = this.builtins.get(`${provider}:${s.type}`);
        if (provider === "tandem" && builtin !== undefined) return builtin(this.opts);
        if (provider !== "tandem" && OcfScriptAgent.exists(this.opts.ocfRoot, provider, s.type)) {
          return new OcfScriptAgent(provider, s.type, { ocfRoot: this.opts.ocfRoot, rscTmpDir: this.opts.rscTmpDir, ...(this.opts.nodeName === undefined ? {} : { nodeName: this.opts.nodeName }) });
        }
        if (builtin !== undefined) return builtin(this.opts);
        throw new TandemError("AGENT_NOT_FOUND", `resource agent ocf:${provider}:${s.type} is not installed (no ${join(this.opts.ocfRoot, "resource.d", provider, s.type)})`);
      }
      case "systemd":
        return this.systemd(s.type);
      case "lsb":
        if (!LsbAgent.exists(this.opts.initDir, s.type)) {
          throw new TandemError("AGENT_NOT_FOUND", `LSB init script ${join(this.opts.initDir, s.type)} does not exist`);
        }
        return new LsbAgent(s.type, this.opts.initDir);
      case "service":
        if (LsbAgent.exists(this.opts.initDir, s.type)) return new LsbAgent(s.type, this.opts.initDir, "service");
        return this.systemd(s.type);
    }
  }

  private systemd(name: string): AgentRunner {
    if (!this.supervised) return new SystemctlAgent(name);
    if (findUnitFile(serviceUnitName(name), this.unitDirs) === undefined) {
      throw new TandemError("AGENT_NOT_FOUND", `systemd unit '${serviceUnitName(name)}' not found in ${this.unitDirs.join(", ")}`);
    }
    return new SupervisedServiceAgent(name, {
      unitDirs: this.unitDirs,
      stateDir: join(this.opts.stateDir, "systemd"),
      ...(this.opts.startSettleMs === undefined ? {} : { startSettleMs: this.opts.startSettleMs }),
    });
  }
}
