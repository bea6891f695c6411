#!/usr/bin/env node
import { main } from "../dist/cli.js";

const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  columns: process.stdout.columns,
});
process.exitCode = code;
