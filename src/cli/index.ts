export { runCli, setLiveSourceFactory } from "./main.js";
export { BufferedOutput, type Output } from "./io.js";
export type { CibSource } from "./cib-source.js";
export { FileCibSource, writeFileAtomic } from "./cib-source.js";
export { parseSimulateDate, resolveNowSec, simulationDateLines, simulationPreamble } from "./sim-date.js";
export { registerLabCluster } from "./commands/lab.js";
