// Resource agent metadata for validation: names, parsing meta-data XML, built-in agents.
export * from "./types.js";
export { parseAgentName, invalidAgentNameMessage } from "./name.js";
export { parseOcfMetadata, traceParameters, withPcsExtras, type ParseResult } from "./parse.js";
export { OcfScriptRunner, DEFAULT_OCF_ROOT, type AgentScripts, type ScriptResult } from "./port.js";
export { resolveAgent, loadAgentMetadata, takesNoParameters, TANDEM_PROVIDER, type ResolvedAgent } from "./resolve.js";
export { BUILTIN_AGENTS, HEARTBEAT_FALLBACKS, registerBuiltinMetadata } from "./builtin.js";
