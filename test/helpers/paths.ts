import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** ../shared beside the repository (read from there, never copied in). */
export const SHARED = join(ROOT, "..", "shared");
export const CORPUS_TCPDUMP = join(SHARED, "corpus", "tcpdump");
export const FIXTURES = join(ROOT, "fixtures");

/** Scenario folders with an expected.json: tcpdump-only ones, or the strace-* ones. */
export function scenarios(kind: "tcpdump" | "strace" = "tcpdump"): string[] {
  return readdirSync(FIXTURES).filter(
    (d) => existsSync(join(FIXTURES, d, "expected.json")) && d.startsWith("strace-") === (kind === "strace"),
  );
}

export function tcpdumpFiles(scenario: string): string[] {
  return readdirSync(join(FIXTURES, scenario))
    .filter((f) => /^tcpdump-.*\.txt$/.test(f) && !f.includes("stderr"))
    .sort();
}
