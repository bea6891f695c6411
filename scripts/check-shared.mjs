// Runs before the tests (npm's pretest): they read ../shared beside this
// repository (the corpus with its ground truth, the report schema, the seed
// article). Without it, one clear line instead of ENOENT from a test.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const shared = fileURLToPath(new URL("../../shared/", import.meta.url));
const needed = ["corpus", "spec/report.schema.json", "seed"];
const missing = needed.filter((p) => !existsSync(shared + p));
if (missing.length > 0) {
  process.stderr.write(
    `tcpdiag's tests read ${shared} (beside this repository) and it lacks ${missing.join(", ")}.\n` +
      `Put the shared folder there (git clone or ln -s /path/to/shared ${shared.replace(/\/$/, "")}), then run npm test again.\n`,
  );
  process.exit(1);
}
