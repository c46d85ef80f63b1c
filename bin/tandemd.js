#!/usr/bin/env node
// Entry point of the `tandemd` daemon; the code lives in dist/ (npm run build).
import { main } from "../dist/src/daemon/index.js";

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
