// The package as a consumer gets it: packed by npm (from the build npm test
// made), unpacked into a project of its own with only its runtime
// dependencies beside it and Node's types, then imported, required and
// type-checked without skipLibCheck. The tests' setup (npm's pretest) says
// what to do when ../shared is missing.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, ROOT, SHARED } from "./helpers/paths.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The packed package, unpacked in a new project: node_modules holds it, its runtime dependencies and @types/node. */
function consumer(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "tcpdiag-consumer-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" });
  const packed = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@types"), { recursive: true });
  execFileSync("tar", ["-xzf", join(dir, packed[0]!.filename), "-C", dir]);
  cpSync(join(dir, "package"), join(modules, "tcpdiag"), { recursive: true });
  // the runtime dependencies, as npm would install them (their own dependencies resolve from where they really are)
  for (const name of Object.keys(pkg.dependencies)) symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  symlinkSync(join(ROOT, "node_modules", "@types", "node"), join(modules, "@types", "node"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
  return { dir, files: packed[0]!.files.map((f) => f.path) };
}

describe("the package", () => {
  const { dir, files } = consumer();
  const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
  const fixture = join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt");

  it("ships its license, the report schema, the types and the command, and runs no script when installed", () => {
    for (const f of ["LICENSE", "schema/report.schema.json", "dist/index.d.ts", "dist/index.js", "bin/tcpdiag.js", "dist/tcpdiag.mjs"]) {
      expect(files, f).toContain(f);
    }
    for (const script of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[script], script).toBeUndefined();
    expect(pkg.scripts.prepack).toBe("npm run build");
  });

  it("ships source maps that carry their sources (src/ is not shipped)", () => {
    const maps = files.filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(50);
    for (const f of maps) {
      const map = JSON.parse(readFileSync(join(dir, "node_modules", "tcpdiag", f), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, f).toBe(map.sources.length);
      expect(map.sourcesContent!.every((c) => typeof c === "string" && c.length > 0), f).toBe(true);
    }
  });

  it("ships the schema of ../shared/spec unchanged", () => {
    expect(readFileSync(join(ROOT, "schema", "report.schema.json"), "utf8")).toBe(readFileSync(join(SHARED, "spec", "report.schema.json"), "utf8"));
  });

  it("is imported, and analyzes", () => {
    const r = node([
      "--input-type=module",
      "-e",
      `import { analyzeFiles } from "tcpdiag"; const r = await analyzeFiles([${JSON.stringify(fixture)}]); console.log(r.attempts[0].outcome, r.attempts[0].inferred.tcpSynRetries);`,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("timeout 5");
  });

  it("is required where Node requires ES modules (20.19 and later)", () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    if (major === 20 && minor < 19) return;
    const r = node(["-e", `const t = require("tcpdiag"); t.analyzeFiles([${JSON.stringify(fixture)}]).then((r) => console.log(r.attempts[0].outcome));`]);
    expect(r.stdout.trim()).toBe("timeout");
  });

  it("names its schema as an export", () => {
    const r = node(["--input-type=module", "-e", `import s from "tcpdiag/report.schema.json" with { type: "json" }; console.log(s.properties.attempts.type);`]);
    expect(r.stdout.trim()).toBe("array");
  });

  it("type-checks in a consumer's project with skipLibCheck off and no development types", () => {
    writeFileSync(
      join(dir, "use.ts"),
      [
        'import { analyzeFiles, type AttemptReport, type Diagnosis } from "tcpdiag";',
        "const result = await analyzeFiles(['capture.txt']);",
        "const first: AttemptReport | undefined = result.attempts[0];",
        "const codes: string[] = result.diagnoses.map((d: Diagnosis) => d.code);",
        "console.log(first?.outcome, codes);",
        "",
      ].join("\n"),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = node([tsc, "--noEmit", "--strict", "--skipLibCheck", "false", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "use.ts"]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("its command runs from the unpacked package", () => {
    const r = node([join(dir, "node_modules", "tcpdiag", "bin", "tcpdiag.js"), "analyze", "--json", fixture]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).attempts[0].outcome).toBe("timeout");
  });
});

describe("npm test without ../shared", () => {
  it("says where to put it, in one message, and fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "tcpdiag-noshared-"));
    mkdirSync(join(dir, "repo", "scripts"), { recursive: true });
    cpSync(join(ROOT, "scripts", "check-shared.mjs"), join(dir, "repo", "scripts", "check-shared.mjs"));
    const r = spawnSync(process.execPath, [join(dir, "repo", "scripts", "check-shared.mjs")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, "shared")}/ (beside this repository)`);
    expect(r.stderr).toContain("then run npm test again");
    expect(r.stderr.trim().split("\n")).toHaveLength(2);
  });

  it("passes with it", () => {
    expect(spawnSync(process.execPath, [join(ROOT, "scripts", "check-shared.mjs")]).status).toBe(0);
  });
});
