// Bundles the command line (dist/cli.js and the packages it imports) into one
// file, dist/tcpdiag.mjs, which bin/tcpdiag.js loads. Node 20 resolves and
// compiles ~100 ES modules one by one at every start: about 0.1 s, a tenth of
// a million-line run, and most of a short one. The library (dist/index.js)
// stays as tsc writes it.
import { build } from "rolldown";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  input: `${root}dist/cli.js`,
  platform: "node",
  logLevel: "warn",
  output: { file: `${root}dist/tcpdiag.mjs`, format: "esm", sourcemap: false },
});
