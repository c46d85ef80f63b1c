import { test } from "node:test";
import assert from "node:assert/strict";
import { BufferedOutput, runCli } from "../../../src/cli/index.js";

async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const output = new BufferedOutput();
  const code = await runCli(argv, output);
  return { code, stderr: output.stderr };
}

test("lab command lines that are wrong are refused before anything is touched", async () => {
  const cases: [string[], RegExp][] = [
    [["lab"], /missing lab command.*\[CLI_USAGE\]/],
    [["lab", "frobnicate"], /unknown lab command 'frobnicate'.*\[CLI_USAGE\]/],
    [["lab", "up"], /needs --nodes.*\[CLI_USAGE\]/],
    [["lab", "up", "--nodes", "2", "extra"], /unexpected argument 'extra'.*\[CLI_USAGE\]/],
    [["lab", "up", "--nodes", "2", "--color"], /'--color' is not supported.*\[CLI_USAGE\]/],
    [["lab", "up", "--nodes", "0"], /1 to 64 nodes.*\[LAB_BAD_NODES\]/],
    [["lab", "up", "--nodes", "benji,benji"], /listed twice.*\[LAB_BAD_NODES\]/],
    [["lab", "up", "--nodes", "2", "--name", "My-Lab"], /not a valid lab name.*\[LAB_BAD_NAME\]/],
    [["lab", "up", "--nodes", "2", "--subnet", "10.10.10.7/24"], /not an IPv4 subnet.*\[LAB_BAD_SUBNET\]/],
    [["lab", "kill"], /takes one node name.*\[CLI_USAGE\]/],
    [["lab", "down", "--all", "--name", "x"], /either --name or --all.*\[CLI_USAGE\]/],
  ];
  for (const [argv, expected] of cases) {
    const result = await run(...argv);
    assert.equal(result.code, 1, argv.join(" "));
    assert.match(result.stderr, expected, argv.join(" "));
  }
});
