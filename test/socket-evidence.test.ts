// Socket tables as inputs: format detection, SYN_SENT rows completing or
// standing for attempts, LISTEN rows telling a closed port from a REJECT.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFiles, analyzeText, runPipeline } from "../src/index.js";
import { FIXTURES, SHARED } from "./helpers/paths.js";
import { Readable } from "node:stream";

const LOCAL = join(SHARED, "corpus", "local");
const text = (name: string, body: string) => ({ name, open: async () => Readable.from([Buffer.from(body)]) });

describe("socket tables as inputs", () => {
  it.each(["netstat", "ss"])("every %s listing in corpus/local is read as such, with no unparsed line", async (tool) => {
    const dir = join(LOCAL, tool);
    for (const f of readdirSync(dir)) {
      const r = await analyzeFiles([join(dir, f)]);
      expect(r.inputs[0]!.format, f).toBe(tool);
      expect(r.inputs[0]!.unparsed, f).toBe(0);
    }
  });

  it("netstat -tanpo: the two curls stuck in SYN_SENT, with pid, program and the retransmissions so far", async () => {
    const r = await analyzeFiles([join(LOCAL, "netstat", "netstat-tanpo.txt")]);
    const stuck = r.attempts.filter((a) => a.outcome === "in-progress");
    expect(stuck.map((a) => [a.server.ip, a.server.port, a.process?.command])).toEqual([
      ["127.0.0.1", 12345, "curl"],
      ["::1", 12345, "curl"],
    ]);
    expect(stuck[0]!.summary).toContain("the retransmission timer has fired 3 times so far");
    expect(r.diagnoses.filter((d) => d.code === "SYN_SENT_SNAPSHOT")).toHaveLength(2);
  });

  it("the seed's tcpdump lines and its netstat line with placeholders: the process is telnet", async () => {
    const article = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8").split("\n");
    const tcpdump = article.filter((l) => /^17:3[78]:/.test(l)).join("\n");
    const netstat = article.filter((l) => /SYN_SENT\s+<PID>\/telnet/.test(l)).join("\n");
    expect(netstat).toContain("127.0.0.1:<port>");
    const r = await runPipeline([text("seed-tcpdump", tcpdump), text("seed-netstat", netstat)]);
    expect(r.inputs.map((i) => i.format)).toEqual(["tcpdump", "netstat"]);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ outcome: "timeout", process: { command: "telnet" } });
    expect(r.attempts[0]!.sources.some((s) => s.input === "seed-netstat")).toBe(true);
  });
});

describe("LISTEN rows", () => {
  const ssListing = readFileSync(join(LOCAL, "ss", "ss-lnt.txt"), "utf8");

  it("refused, and nothing listens on that port in the listing: NOTHING_LISTENS", async () => {
    const capture = readFileSync(join(FIXTURES, "no-listener", "tcpdump-nn.txt"), "utf8");
    const r = await runPipeline([text("capture", capture), text("ss-lnt", ssListing)]);
    expect(r.attempts[0]!.outcome).toBe("refused");
    expect(r.diagnoses.map((d) => d.code)).toContain("NOTHING_LISTENS");
  });

  it("refused although something listens on that port: LISTENING_BUT_REFUSED", async () => {
    // fixtures/reject-tcp-reset (REJECT --reject-with tcp-reset on 12346) with
    // the port rewritten to 8080, where the ss listing shows a listener.
    const capture = readFileSync(join(FIXTURES, "reject-tcp-reset", "tcpdump-nn.txt"), "utf8").replaceAll(".12346", ".8080");
    expect(ssListing).toMatch(/LISTEN\s+0\s+\d+\s+127\.0\.0\.1:8080/);
    const r = await runPipeline([text("capture", capture), text("ss-lnt", ssListing)]);
    const d = r.diagnoses.find((x) => x.code === "LISTENING_BUT_REFUSED");
    expect(d?.message).toContain("a firewall rule rejects the SYNs");
  });

  it("tcpdump output is not mistaken for a socket table", async () => {
    const r = await analyzeText(readFileSync(join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt"), "utf8"));
    expect(r.inputs[0]!.format).toBe("tcpdump");
  });
});
