/**
 * `tandemd [--config FILE]`: runs until SIGTERM/SIGINT, then stops this node's resources,
 * leaves the cluster and exits 0. A bad configuration exits 2 with a message.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { describeError, isTandemError } from "../core/index.js";
import { configPath, loadConfig, pidFile } from "./config.js";
import { JsonLogger } from "./logger.js";
import { Tandemd } from "./tandemd.js";

export async function main(argv: readonly string[]): Promise<number> {
  let path = configPath();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--config" || a === "-c") path = argv[++i] ?? "";
    else if (a.startsWith("--config=")) path = a.slice("--config=".length);
    else if (a === "--help" || a === "-h") {
      process.stdout.write("Usage: tandemd [--config FILE]   (default $TANDEM_CONFIG or /etc/tandem/tandem.conf)\n");
      return 0;
    } else {
      process.stderr.write(`tandemd: unknown argument '${a}'\n`);
      return 2;
    }
  }
  let daemon: Tandemd;
  try {
    const config = loadConfig(path);
    mkdirSync(config.stateDir, { recursive: true });
    const base = { name: "tandemd", cluster: config.clusterName, node: config.nodeName, pid: process.pid };
    const log = config.logFile === undefined ? new JsonLogger(base) : JsonLogger.toFile(config.logFile, base);
    daemon = new Tandemd({ config, log });
    writeFileSync(pidFile(config), `${process.pid}\n`);
    let stopping: Promise<void> | undefined;
    const onSignal = (signal: string): void => {
      log.info("signal received", { signal });
      stopping ??= daemon.stop().then(
        () => {
          rmSync(pidFile(config), { force: true });
          process.exit(0);
        },
        (error: unknown) => {
          log.error("stop failed", { error: describeError(error) });
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
    await daemon.start();
    return -1; // keep running
  } catch (error) {
    const code = isTandemError(error) ? ` [${error.code}]` : "";
    process.stderr.write(`tandemd: ${describeError(error)}${code}\n`);
    return 2;
  }
}
