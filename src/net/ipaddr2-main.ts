/**
 * The built-in IPaddr2 as an OCF script: `node dist/src/net/ipaddr2-main.js ACTION` with
 * OCF_RESKEY_* in the environment, exit code per the OCF spec, the reason on stderr.
 */

import { runIpaddr2 } from "./ipaddr2-agent.js";

const action = process.argv[2] ?? "";
const result = await runIpaddr2(action, process.env);
if (result.stdout !== undefined) process.stdout.write(result.stdout);
else process.stderr.write(`IPaddr2 ${action}: ${result.message}\n`);
process.exitCode = result.rc;
