// Compiles grammar/*.ne with nearleyc into src/generated/*.ts (not committed).
// The generated file starts with @ts-nocheck: nearleyc's output is untyped;
// the postprocessors it calls live in typed modules (src/*/build.ts).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const nearleyc = join(root, "node_modules", "nearley", "bin", "nearleyc.js");
const outDir = join(root, "src", "generated");
mkdirSync(outDir, { recursive: true });
for (const file of readdirSync(join(root, "grammar")).filter((f) => f.endsWith(".ne"))) {
  const out = join(outDir, `${basename(file, ".ne")}.ts`);
  execFileSync(process.execPath, [nearleyc, join(root, "grammar", file), "-o", out], { stdio: "inherit" });
  // nearleyc declares a var per %token for the type checker; a token whose
  // name is also a real variable (%anyToken) would then be declared twice.
  const code = readFileSync(out, "utf8").replace(/^declare var \w+: any;\n/gm, "");
  writeFileSync(out, `// @ts-nocheck\n${code}`);
}
