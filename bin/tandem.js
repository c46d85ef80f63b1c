#!/usr/bin/env node
// Entry point of the `tandem` command; the code lives in dist/ (npm run build).
import { registerLabCluster, runCli } from "../dist/src/cli/index.js";
import { registerLiveCluster } from "../dist/src/cli/live/index.js";
import { registerBalancerMetadata } from "../dist/src/lb/index.js";

registerLiveCluster();
registerBalancerMetadata();
registerLabCluster();
process.exitCode = await runCli(process.argv.slice(2));
