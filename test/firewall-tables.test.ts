// SYNs decided outside the filter table: raw and mangle DROP rules and a nat
// DNAT, captured for real by scripts/capture/capture-tables.sh, read from
// iptables -L of every table (which does not print the table), from
// iptables-save -c and from nft list ruleset.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyzeFiles, runPipeline } from "../src/index.js";
import { FIXTURES } from "./helpers/paths.js";

const DIR = join(FIXTURES, "tables-raw-mangle-nat");
const text = (name: string, body: string) => ({ name, open: async () => Readable.from([Buffer.from(body)]) });
const LISTINGS = ["iptables-all-tables.txt", "iptables-save-c.txt", "nft-ruleset.txt"];

describe("rules in the raw, mangle and nat tables (tables-raw-mangle-nat)", () => {
  it.each(LISTINGS)("%s names the table, chain and rule of each drop", async (listing) => {
    const r = await analyzeFiles([join(DIR, "tcpdump-nn.txt"), join(DIR, listing)]);
    expect(r.inputs.map((i) => i.unparsed)).toEqual([0, 0]);
    const byPort = Object.fromEntries(r.attempts.map((a) => [a.server.port, a]));
    expect(Object.keys(byPort).map(Number).sort()).toEqual([12361, 12362, 12364, 12365]);
    expect(byPort[12361]).toMatchObject({ outcome: "timeout", firewall: { table: "raw", chain: "PREROUTING", rule: 1, target: "DROP" } });
    expect(byPort[12362]).toMatchObject({ outcome: "timeout", firewall: { table: "mangle", chain: "PREROUTING", rule: 1, target: "DROP" } });
    // lo sees the SYNs to 12363 after nat OUTPUT rewrote them to 12365: the
    // nat rule is not taken for a filter OUTPUT rule, filter INPUT decides
    expect(byPort[12365]).toMatchObject({ outcome: "timeout", firewall: { table: "filter", chain: "INPUT", rule: 1, target: "DROP" } });
    expect(byPort[12364]).toMatchObject({ outcome: "refused", firewall: null });
    const messages = r.diagnoses.filter((d) => d.code === "FIREWALL_RULE").map((d) => d.message);
    expect(messages.some((m) => m.includes("dropped by raw PREROUTING rule 1"))).toBe(true);
    expect(messages.some((m) => m.includes("dropped by mangle PREROUTING rule 1"))).toBe(true);
    expect(messages.some((m) => m.includes("dropped by INPUT rule 1"))).toBe(true);
  });

  it("a nat DNAT that matches the SYN stops the walk: the rules after it see another address", async () => {
    // HAND-EDITED: the fixture's nat section with its DNAT rule's port
    // changed to 12361, so that it matches a captured attempt (no capture
    // shows a SYN before a DNAT on loopback: lo sees it after NAT)
    const natSection = readFileSync(join(DIR, "iptables-all-tables.txt"), "utf8")
      .split(/(?=^Chain PREROUTING)/m)[1]!
      .replace("dpt:12363", "dpt:12361");
    const r = await runPipeline([text("capture", readFileSync(join(DIR, "tcpdump-nn.txt"), "utf8")), text("nat", natSection)]);
    const a = r.attempts.find((x) => x.server.port === 12361)!;
    expect(a.firewall).toBeNull();
    const d = r.diagnoses.find((x) => x.code === "FIREWALL_CANNOT_EVALUATE")!;
    expect(d.message).toContain("nat OUTPUT rule 1");
    expect(d.message).toContain("DNAT rewrites the destination");
    expect(d.evidence).toEqual([{ input: "nat", line: 9 }]); // the DNAT line of the section
  });
});

describe("a native nft table with chains of two types (nft-native)", () => {
  it("walks its filter input chain even though a nat chain comes first", async () => {
    const dir = join(FIXTURES, "nft-native");
    const r = await analyzeFiles([join(dir, "tcpdump-nn.txt"), join(dir, "nft-ruleset.txt")]);
    expect(r.inputs.map((i) => [i.format, i.unparsed])).toEqual([["tcpdump", 0], ["nft", 0]]);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ server: { port: 12366 }, outcome: "timeout", firewall: { table: "filter", chain: "INPUT", rule: 1, target: "DROP" } });
  });
});
