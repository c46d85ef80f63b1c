/**
 * systemd unit files, read as systemd reads them (systemd.syntax(7), systemd.service(5),
 * systemd.exec(5)): sections of `Key=value` lines, `#`/`;` comments, backslash
 * continuations, drop-ins applied after the main file, an empty assignment clearing a
 * list. Pure: text in, values out. Sandboxing directives (Protect*, BindReadOnlyPaths, …)
 * are read but not applied; the README says so.
 */
import { TandemError } from "../../core/index.js";

export type UnitEntries = Map<string, Array<[key: string, value: string]>>;

/** Parses one unit file's text into its sections' entries, in file order. */
export function parseUnitText(text: string, source: string): UnitEntries {
  const sections: UnitEntries = new Map();
  let current: Array<[string, string]> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? "").trim();
    if (line.length === 0 || line.startsWith("#") || line.startsWith(";")) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) {
      i++;
      const next = (lines[i] ?? "").trim();
      if (next.startsWith("#") || next.startsWith(";")) continue;
      line = `${line.slice(0, -1)} ${next}`;
    }
    if (line.endsWith("\\")) line = line.slice(0, -1);
    if (line.startsWith("[")) {
      const m = /^\[([^\]]+)\]$/.exec(line);
      if (m === null) throw new TandemError("AGENT_UNIT_INVALID", `${source}:${i + 1}: malformed section header '${line}'`);
      const name = m[1] ?? "";
      current = sections.get(name) ?? [];
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new TandemError("AGENT_UNIT_INVALID", `${source}:${i + 1}: expected Key=value, got '${line}'`);
    if (current === undefined) {
      throw new TandemError("AGENT_UNIT_INVALID", `${source}:${i + 1}: assignment outside of a section`);
    }
    current.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/**
 * Splits a value into words the way systemd does for Exec lines and Environment=:
 * whitespace separates, double and single quotes group, backslash escapes (C-style).
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (quote !== undefined) {
      if (ch === quote) {
        quote = undefined;
      } else if (ch === "\\" && i + 1 < text.length) {
        i++;
        word += unescape(text[i] ?? "");
      } else {
        word += ch;
      }
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      i++;
      word += unescape(text[i] ?? "");
      inWord = true;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new TandemError("AGENT_UNIT_INVALID", `unbalanced quotes in '${text}'`);
  if (inWord) words.push(word);
  return words;
}

function unescape(ch: string): string {
  switch (ch) {
    case "n": return "\n";
    case "t": return "\t";
    case "r": return "\r";
    default: return ch;
  }
}

export type ServiceType = "simple" | "exec" | "forking" | "oneshot" | "notify" | "notify-reload" | "dbus" | "idle";
export type KillMode = "control-group" | "mixed" | "process" | "none";

export interface ExecCommand {
  /** `-`: a failing exit status is ignored. */
  ignoreFailure: boolean;
  /** `+`/`!`/`!!`: run with full privileges (User= not applied). */
  privileged: boolean;
  /** `@`: argv[0] is given separately; the first word after the path. */
  argv0?: string;
  /** Unexpanded words; the first is the program. */
  words: string[];
  raw: string;
}

export interface ServiceUnit {
  /** `haproxy.service` */
  name: string;
  path: string;
  dropIns: string[];
  description: string;
  type: ServiceType;
  execStartPre: ExecCommand[];
  execStart: ExecCommand[];
  execStartPost: ExecCommand[];
  execReload: ExecCommand[];
  execStop: ExecCommand[];
  execStopPost: ExecCommand[];
  /** Environment= assignments in order. */
  environment: Array<[string, string]>;
  environmentFiles: Array<{ path: string; optional: boolean }>;
  workingDirectory?: { path: string; optional: boolean };
  user?: string;
  group?: string;
  pidFile?: string;
  timeoutStartMs: number;
  timeoutStopMs: number;
  killMode: KillMode;
  killSignal: string;
  remainAfterExit: boolean;
  successExitStatus: number[];
}

const DEFAULT_TIMEOUT_MS = 90_000;

function parseSeconds(text: string, fallback: number): number {
  const t = text.trim();
  if (t === "infinity") return Number.MAX_SAFE_INTEGER;
  let total = 0;
  let matched = false;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)\s*(ms|msec|us|usec|s|sec|seconds?|m|min|minutes?|h|hr|hours?)?/g)) {
    matched = true;
    const n = Number(m[1]);
    const unit = m[2] ?? "s";
    const scale = unit.startsWith("ms") ? 1 : unit.startsWith("us") ? 0.001 : unit.startsWith("h") ? 3_600_000 : unit.startsWith("m") ? 60_000 : 1000;
    total += n * scale;
  }
  return matched ? Math.round(total) : fallback;
}

function parseBool(text: string): boolean {
  return ["1", "yes", "true", "on"].includes(text.trim().toLowerCase());
}

/** Reads an Exec line's prefixes and words (expansion happens at run time). */
export function parseExecLine(value: string): ExecCommand {
  let rest = value.trim();
  let ignoreFailure = false;
  let privileged = false;
  let atArgv0 = false;
  while (rest.length > 0) {
    const ch = rest[0];
    if (ch === "-") ignoreFailure = true;
    else if (ch === "+" || ch === "!") privileged = true;
    else if (ch === "@") atArgv0 = true;
    else if (ch === ":") {
      /* no environment expansion: not supported separately, expansion still applies */
    } else break;
    rest = rest.slice(1);
  }
  const words = splitWords(rest);
  if (words.length === 0) throw new TandemError("AGENT_UNIT_INVALID", `empty command line '${value}'`);
  const cmd: ExecCommand = { ignoreFailure, privileged, words, raw: value };
  if (atArgv0) {
    const argv0 = words.splice(1, 1)[0];
    if (argv0 !== undefined) cmd.argv0 = argv0;
  }
  return cmd;
}

function isServiceType(text: string): text is ServiceType {
  return ["simple", "exec", "forking", "oneshot", "notify", "notify-reload", "dbus", "idle"].includes(text);
}

function isKillMode(text: string): text is KillMode {
  return ["control-group", "mixed", "process", "none"].includes(text);
}

/**
 * Folds the main file's and the drop-ins' entries (already in application order) into a
 * service description. An empty value resets list settings, as systemd does.
 */
export function buildServiceUnit(name: string, path: string, dropIns: string[], files: UnitEntries[]): ServiceUnit {
  const unit: ServiceUnit = {
    name, path, dropIns, description: name, type: "simple",
    execStartPre: [], execStart: [], execStartPost: [], execReload: [], execStop: [], execStopPost: [],
    environment: [], environmentFiles: [],
    timeoutStartMs: DEFAULT_TIMEOUT_MS, timeoutStopMs: DEFAULT_TIMEOUT_MS,
    killMode: "control-group", killSignal: "SIGTERM", remainAfterExit: false, successExitStatus: [],
  };
  let typeSet = false;
  const execList = (key: string): ExecCommand[] | undefined => {
    switch (key) {
      case "ExecStartPre": return unit.execStartPre;
      case "ExecStart": return unit.execStart;
      case "ExecStartPost": return unit.execStartPost;
      case "ExecReload": return unit.execReload;
      case "ExecStop": return unit.execStop;
      case "ExecStopPost": return unit.execStopPost;
      default: return undefined;
    }
  };
  for (const entries of files) {
    for (const [key, value] of entries.get("Unit") ?? []) {
      if (key === "Description") unit.description = value;
    }
    for (const [key, value] of entries.get("Service") ?? []) {
      const list = execList(key);
      if (list !== undefined) {
        if (value.length === 0) list.length = 0;
        else list.push(parseExecLine(value));
        continue;
      }
      switch (key) {
        case "Type":
          if (!isServiceType(value)) throw new TandemError("AGENT_UNIT_INVALID", `${path}: unknown Type=${value}`);
          unit.type = value;
          typeSet = true;
          break;
        case "Environment":
          if (value.length === 0) unit.environment.length = 0;
          for (const word of splitWords(value)) {
            const eq = word.indexOf("=");
            if (eq > 0) unit.environment.push([word.slice(0, eq), word.slice(eq + 1)]);
          }
          break;
        case "EnvironmentFile":
          if (value.length === 0) unit.environmentFiles.length = 0;
          else if (value.startsWith("-")) unit.environmentFiles.push({ path: value.slice(1), optional: true });
          else unit.environmentFiles.push({ path: value, optional: false });
          break;
        case "WorkingDirectory":
          if (value.length === 0) delete unit.workingDirectory;
          else unit.workingDirectory = value.startsWith("-") ? { path: value.slice(1), optional: true } : { path: value, optional: false };
          break;
        case "User": unit.user = value; break;
        case "Group": unit.group = value; break;
        case "PIDFile": unit.pidFile = value; break;
        case "TimeoutSec":
          unit.timeoutStartMs = parseSeconds(value, DEFAULT_TIMEOUT_MS);
          unit.timeoutStopMs = unit.timeoutStartMs;
          break;
        case "TimeoutStartSec": unit.timeoutStartMs = parseSeconds(value, DEFAULT_TIMEOUT_MS); break;
        case "TimeoutStopSec": unit.timeoutStopMs = parseSeconds(value, DEFAULT_TIMEOUT_MS); break;
        case "KillMode":
          if (!isKillMode(value)) throw new TandemError("AGENT_UNIT_INVALID", `${path}: unknown KillMode=${value}`);
          unit.killMode = value;
          break;
        case "KillSignal": unit.killSignal = value.startsWith("SIG") ? value : `SIG${value}`; break;
        case "RemainAfterExit": unit.remainAfterExit = parseBool(value); break;
        case "SuccessExitStatus":
          if (value.length === 0) unit.successExitStatus.length = 0;
          for (const w of splitWords(value)) if (/^\d+$/.test(w)) unit.successExitStatus.push(Number(w));
          break;
        default:
          break;
      }
    }
  }
  // systemd's defaults: no ExecStart means oneshot; otherwise simple.
  if (!typeSet && unit.execStart.length === 0) unit.type = "oneshot";
  if (unit.execStart.length === 0 && unit.type !== "oneshot") {
    throw new TandemError("AGENT_UNIT_INVALID", `${path}: service has no ExecStart= setting`);
  }
  if (unit.execStart.length > 1 && unit.type !== "oneshot") {
    throw new TandemError("AGENT_UNIT_INVALID", `${path}: more than one ExecStart= is only allowed for Type=oneshot`);
  }
  return unit;
}

/** Parses an EnvironmentFile's text: KEY=VALUE lines, comments, optional quotes. */
export function parseEnvironmentFile(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith("#") || line.startsWith(";")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m === null) continue;
    let value = m[2] ?? "";
    if ((value.startsWith('"') && value.endsWith('"') && value.length >= 2) || (value.startsWith("'") && value.endsWith("'") && value.length >= 2)) {
      value = value.slice(1, -1);
    }
    out.push([m[1] ?? "", value]);
  }
  return out;
}

/**
 * Expands `$VAR` (split into words at whitespace) and `${VAR}` (one piece) in an Exec
 * line's words, and the `%` specifiers systemd knows for a service.
 */
export function expandExecWords(words: readonly string[], env: Readonly<Record<string, string>>, specifiers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const word of words) {
    const spec = word.replace(/%(.)/g, (_m, c: string) => (c === "%" ? "%" : specifiers[c] ?? `%${c}`));
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec);
    if (bare !== null) {
      const value = env[bare[1] ?? ""] ?? "";
      out.push(...value.split(/\s+/).filter((w) => w.length > 0));
      continue;
    }
    out.push(spec.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => env[n] ?? ""));
  }
  return out;
}
