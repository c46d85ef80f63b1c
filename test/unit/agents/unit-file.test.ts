import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildServiceUnit, expandExecWords, parseEnvironmentFile, parseExecLine, parseUnitText, splitWords,
} from "../../../src/agents/index.js";
import { isTandemError } from "../../../src/core/index.js";

const HAPROXY = `[Unit]
Description=HAProxy Load Balancer
[Service]
EnvironmentFile=-/etc/default/haproxy
Environment="CONFIG=/etc/haproxy/haproxy.cfg" "PIDFILE=/run/haproxy.pid" "EXTRAOPTS=-S /run/haproxy-master.sock"
ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS
ExecReload=/usr/sbin/haproxy -Ws -f $CONFIG -c -q $EXTRAOPTS
ExecReload=/bin/kill -USR2 $MAINPID
KillMode=mixed
SuccessExitStatus=143
Type=notify
`;

test("Debian's haproxy.service reads as systemd reads it", () => {
  const unit = buildServiceUnit("haproxy.service", "/x", [], [parseUnitText(HAPROXY, "haproxy.service")]);
  assert.equal(unit.description, "HAProxy Load Balancer");
  assert.equal(unit.type, "notify");
  assert.equal(unit.killMode, "mixed");
  assert.deepEqual(unit.successExitStatus, [143]);
  assert.deepEqual(unit.environment, [
    ["CONFIG", "/etc/haproxy/haproxy.cfg"],
    ["PIDFILE", "/run/haproxy.pid"],
    ["EXTRAOPTS", "-S /run/haproxy-master.sock"],
  ]);
  assert.deepEqual(unit.environmentFiles, [{ path: "/etc/default/haproxy", optional: true }]);
  assert.equal(unit.execReload.length, 2);
  const env = Object.fromEntries(unit.environment);
  assert.deepEqual(expandExecWords(unit.execStart[0]?.words ?? [], env, {}), [
    "/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg", "-p", "/run/haproxy.pid", "-S", "/run/haproxy-master.sock",
  ]);
});

test("a drop-in overrides settings and an empty ExecStart= clears the list", () => {
  const main = parseUnitText("[Service]\nExecStart=/bin/a\nEnvironment=A=1\nTimeoutStopSec=5\n", "main");
  const drop = parseUnitText("[Service]\nExecStart=\nExecStart=/bin/b --x\nEnvironment=A=2 B=3\nTimeoutStopSec=1min 30s\n", "drop");
  const unit = buildServiceUnit("x.service", "/x", ["/d"], [main, drop]);
  assert.deepEqual(unit.execStart.map((c) => c.words), [["/bin/b", "--x"]]);
  assert.deepEqual(Object.fromEntries(unit.environment), { A: "2", B: "3" });
  assert.equal(unit.timeoutStopMs, 90_000);
});

test("a unit without ExecStart is a oneshot; two ExecStart lines need Type=oneshot", () => {
  assert.equal(buildServiceUnit("x.service", "/x", [], [parseUnitText("[Service]\nExecStop=/bin/true\n", "x")]).type, "oneshot");
  assert.throws(
    () => buildServiceUnit("x.service", "/x", [], [parseUnitText("[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n", "x")]),
    (e: unknown) => isTandemError(e) && e.code === "AGENT_UNIT_INVALID",
  );
});

test("malformed unit text is refused with AGENT_UNIT_INVALID", () => {
  for (const text of ["ExecStart=/bin/a\n", "[Service\nA=1\n", "[Service]\nnot an assignment\n"]) {
    assert.throws(() => parseUnitText(text, "bad"), (e: unknown) => isTandemError(e) && e.code === "AGENT_UNIT_INVALID");
  }
});

test("continuation lines and comments are handled", () => {
  const s = parseUnitText("# c\n[Service]\nExecStart=/bin/a \\\n  --flag \\\n  value\n; other\n", "x");
  assert.deepEqual(s.get("Service"), [["ExecStart", "/bin/a  --flag  value"]]);
});

test("words split at whitespace, quotes group, backslashes escape", () => {
  assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g`), ["a", "b c", "d e", "f g"]);
  assert.deepEqual(splitWords(`"x=1 2" y`), ["x=1 2", "y"]);
  assert.throws(() => splitWords(`"open`));
});

test("exec prefixes are read and $VAR splits while ${VAR} stays one word", () => {
  const cmd = parseExecLine(`-+/bin/echo $A \${A} x\${B}y %n %%`);
  assert.equal(cmd.ignoreFailure, true);
  assert.equal(cmd.privileged, true);
  assert.deepEqual(expandExecWords(cmd.words, { A: "1 2", B: "z" }, { n: "u.service" }), ["/bin/echo", "1", "2", "1 2", "xzy", "u.service", "%"]);
  assert.deepEqual(expandExecWords(["$UNSET", "a"], {}, {}), ["a"]);
});

test("environment files: comments, quotes, export", () => {
  assert.deepEqual(parseEnvironmentFile(`# c\nA=1\nexport B="two words"\nC='x'\n  \nbad line\n`), [["A", "1"], ["B", "two words"], ["C", "x"]]);
});
