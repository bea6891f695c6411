// The article the product was born from: six tcpdump lines, pasted with the
// sequence numbers replaced by "<seq num>" and the rest cut to "...".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeText } from "../src/index.js";
import { SHARED } from "./helpers/paths.js";

const article = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8");
const sixLines = article
  .split("\n")
  .filter((l) => /^17:3[78]:\d\d\.\d+ IP /.test(l))
  .join("\n");

describe("the seed article's six tcpdump lines", () => {
  it("are six lines", () => {
    expect(sixLines.split("\n")).toHaveLength(6);
  });

  it("give one attempt that timed out after 6 SYNs, tcp_syn_retries 5, ETIMEDOUT at ~63 s", async () => {
    const r = await analyzeText(sixLines, "seed");
    expect(r.inputs[0]).toMatchObject({ lines: 6, parsed: 6, unparsed: 0 });
    expect(r.attempts).toHaveLength(1);
    const a = r.attempts[0]!;
    expect(a.client).toEqual({ ip: "127.0.0.1", port: 60632 });
    expect(a.server).toEqual({ ip: "127.0.0.1", port: 12345 });
    expect(a.outcome).toBe("timeout");
    expect(a.errno).toBe("ETIMEDOUT");
    expect(a.errnoSource).toBe("inferred");
    expect(a.syn.sent).toBe(6);
    expect(a.syn.retransmits).toBe(5);
    a.syn.intervals.forEach((x, i) => expect(x).toBeCloseTo([1, 2, 4, 8, 16][i]!, 1));
    expect(a.inferred.tcpSynRetries).toBe(5);
    expect(a.inferred.linearTimeouts).toBe(0);
    expect(a.inferred.timeoutSeconds).toBe(63);
    expect(a.start.timestamp).toBe("17:37:32.908573");
    expect(r.diagnoses[0]!.code).toBe("SYN_TIMEOUT");
  });
});
