/**
 * `npm run lab` (root): the seed-000 tutorial, live. Builds the lab `tandem` (benji .24,
 * holly .22, client .10, etcd on the arbiter .2), replays the tutorial's commands with
 * `tandem` inside benji, prints `tandem status` and a few round-robin answers from the
 * client, and says how to explore and tear it down. The lab stays up (on failure it is
 * removed, unless it was someone's existing lab of the same name).
 */
import { describeError, isTandemError } from "../core/index.js";
import { TANDEM_BIN } from "./cluster.js";
import { DEFAULT_LAB_NAME } from "./plan.js";
import { labDown } from "./lab.js";
import { curlFromClient, SEED000_VIP, upSeed000 } from "./seed000.js";

const lab = process.argv[2] ?? DEFAULT_LAB_NAME;
try {
  const { vipNode, status } = await upSeed000(lab, (text) => process.stdout.write(text));
  process.stdout.write(`\n[root@benji ~]# tandem status\n${status}\n`);
  for (let i = 0; i < 4; i++) {
    process.stdout.write(`[stack@director ~]$ curl http://${SEED000_VIP}\n${(await curlFromClient(lab, `http://${SEED000_VIP}`)) ?? "(no answer)"}\n`);
  }
  const other = vipNode === "benji" ? "holly" : "benji";
  const name = lab === DEFAULT_LAB_NAME ? "" : ` --name ${lab}`;
  const inNode = `${TANDEM_BIN}`;
  process.stdout.write(`
The lab '${lab}' is up (the VIP is on ${vipNode}). Explore it (tandem = node ${inNode}):
  # any tandem command inside a node, e.g. the status:
  tandem lab exec${name} benji -- node ${inNode} status
  # a shell on holly (ip addr, ss -tlnp, cat /etc/haproxy/haproxy.cfg, ...):
  tandem lab exec${name} holly -- bash
  # from the client:
  tandem lab client${name} -- curl http://${SEED000_VIP}
  # node death, the VIP moves to ${other}; then boot it again and rejoin:
  tandem lab kill${name} ${vipNode}
  tandem lab revive${name} ${vipNode} && tandem lab exec${name} ${vipNode} -- node ${inNode} cluster start
Tear down (removes every namespace and process of the lab):
  tandem lab down${name}
`);
} catch (error) {
  // A half-configured lab is removed; someone's existing lab of that name is left alone.
  if (!(isTandemError(error) && error.code === "LAB_EXISTS")) await labDown(lab).catch(() => undefined);
  process.stderr.write(`Error: ${describeError(error)}${isTandemError(error) ? ` [${error.code}]` : ""}\n`);
  process.exitCode = 1;
}
