import "./commands.js";
import { setLiveSourceFactory } from "../main.js";
import { liveSourceFactory } from "./live-source.js";

export { LiveCibSource, liveSourceFactory, localConfig, withStore, liveSnapshot, CAS_CONFLICT_MESSAGE } from "./live-source.js";
export { liveStatus, renderStatusText, renderStatusJson, type LiveStatus } from "./status-render.js";

/** Commands without -f work on the live cluster of this host's configuration. */
export function registerLiveCluster(): void {
  setLiveSourceFactory(liveSourceFactory);
}
