/**
 * `ocf:tandem:balancer` as an OCF script: `node dist/src/lb/balancer-main.js ACTION` with
 * OCF_RESKEY_* and OCF_RESOURCE_INSTANCE in the environment, acting on the network namespace
 * it runs in (a lab node's, in the tests and the benchmark). Exit code per the OCF spec.
 */

import { isAgentAction } from "../agents/index.js";
import { BalancerAgent } from "./balancer-agent.js";

const action = process.argv[2] ?? "";
const params: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith("OCF_RESKEY_") && v !== undefined) params[k.slice("OCF_RESKEY_".length)] = v;
if (!isAgentAction(action)) {
  process.stderr.write(`balancer: unknown action '${action}'\n`);
  process.exitCode = 3;
} else {
  const result = await new BalancerAgent().run({ resourceId: process.env["OCF_RESOURCE_INSTANCE"] ?? "balancer", action, params, meta: {}, timeoutMs: 20_000 });
  process.stdout.write(result.stdoutTail);
  if (result.exitReason !== "") process.stderr.write(`ocf-exit-reason:${result.exitReason}\n`);
  process.exitCode = result.rc;
}
