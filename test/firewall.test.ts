// iptables -L listings: the grammar over real listings, and the rule that
// decides each attempt's SYN.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { iptablesLineParser } from "../src/firewall/grammar.js";
import { analyzeFiles, runPipeline } from "../src/index.js";
import { FIXTURES, SHARED } from "./helpers/paths.js";

const LOCAL = join(SHARED, "corpus", "local");
const listing = join(LOCAL, "iptables", "iptables-L-n-v--line-numbers.txt");
const text = (name: string, body: string) => ({ name, open: async () => Readable.from([Buffer.from(body)]) });

function listings(): string[] {
  const dirs = ["iptables", "ip6tables", "iptables-legacy"].map((d) => join(LOCAL, d));
  const local = dirs.flatMap((d) => readdirSync(d).filter((f) => /-L/.test(f) && !/stderr/.test(f)).map((f) => join(d, f)));
  const jc = readdirSync(join(SHARED, "corpus", "jc")).flatMap((os) =>
    readdirSync(join(SHARED, "corpus", "jc", os))
      .filter((f) => /^iptables.*\.out$/.test(f))
      .map((f) => join(SHARED, "corpus", "jc", os, f)),
  );
  return [...local, ...jc];
}

describe("iptables -L grammar", () => {
  it("parses every line of every -L listing in corpus/local and corpus/jc exactly once", () => {
    const problems: string[] = [];
    let rules = 0;
    for (const file of listings()) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (!line.trim()) return;
          const all = iptablesLineParser.parseAll(line);
          if (all.length !== 1) problems.push(`${file}:${i + 1} (${all.length}): ${line}`);
          else if (all[0]!.record === "rule") rules++;
        });
    }
    expect(problems).toEqual([]);
    expect(rules).toBeGreaterThan(300);
  });

  it("reads counters with suffixes, numeric protocols, interfaces and the match text", () => {
    const r = iptablesLineParser.parse(
      "10    1809 1311K ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED",
    );
    expect(r.ok && r.value).toMatchObject({
      record: "rule",
      num: 10,
      pkts: 1809,
      bytes: 1311000,
      target: "ACCEPT",
      prot: "0",
      in: "*",
      out: "*",
      options: "ctstate RELATED,ESTABLISHED",
    });
  });

  it("reads chain headers: policy with counters, user chains with references", () => {
    const a = iptablesLineParser.parse("Chain INPUT (policy DROP 12 packets, 720 bytes)");
    const b = iptablesLineParser.parse("Chain CORPUS_LOG_DROP (1 references)");
    expect(a.ok && a.value).toMatchObject({ record: "chain", chain: "INPUT", policy: "DROP", packets: 12, bytes: 720 });
    expect(b.ok && b.value).toMatchObject({ record: "chain", chain: "CORPUS_LOG_DROP", policy: null, references: 1 });
  });
});

describe("the rule that decides an attempt", () => {
  it.each([
    ["drop-exp-r5", 1, "DROP"],
    ["reject-tcp-reset", 2, "REJECT"],
    ["reject-icmp-port", 3, "REJECT"],
    ["reject-icmp-host-prohibited", 4, "REJECT"],
  ])("%s: INPUT rule %i %s of the listing made in the same namespace setup", async (scenario, rule, target) => {
    const r = await analyzeFiles([join(FIXTURES, scenario, "tcpdump-nn.txt"), listing]);
    expect(r.inputs.map((i) => i.format)).toEqual(["tcpdump", "iptables"]);
    expect(r.attempts[0]!.firewall).toMatchObject({ chain: "INPUT", rule, target });
    expect(r.diagnoses.find((d) => d.code === "FIREWALL_RULE")?.message).toContain(`INPUT rule ${rule}`);
  });

  it("a jump to a user chain decides by the rule inside it (CORPUS_LOG_DROP: LOG, then DROP)", async () => {
    const capture = readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-nn.txt"), "utf8").replaceAll(".12345", ".12349");
    const r = await runPipeline([text("capture", capture), text("listing", readFileSync(listing, "utf8"))]);
    expect(r.attempts[0]!.firewall).toMatchObject({ chain: "CORPUS_LOG_DROP", rule: 2, target: "DROP" });
  });

  it("a rule that matches some packets at random cannot be evaluated, and says so", async () => {
    const capture = readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-nn.txt"), "utf8").replaceAll(".12345", ".8090");
    const r = await runPipeline([text("capture", capture), text("listing", readFileSync(listing, "utf8"))]);
    expect(r.attempts[0]!.firewall).toBeNull();
    expect(r.diagnoses.find((d) => d.code === "FIREWALL_CANNOT_EVALUATE")?.message).toContain("statistic");
  });

  it("a DROP rule while the packets show an answer is a contradiction", async () => {
    const capture = readFileSync(join(FIXTURES, "established-http", "tcpdump-nn.txt"), "utf8");
    const drop = "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nDROP       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8080\n";
    const r = await runPipeline([text("capture", capture), text("listing", drop)]);
    expect(r.diagnoses.map((d) => d.code)).toContain("FIREWALL_CONTRADICTS");
  });

  it("the seed article: tcpdump lines, strace block, the DROP rule under its chain header, the netstat line", async () => {
    const article = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8").split("\n");
    const tcpdump = article.filter((l) => /^17:3[78]:/.test(l)).join("\n");
    const rule = article.find((l) => /^DROP\s+tcp\s+--\s+0\.0\.0\.0\/0\s+127\.0\.0\.1\s+tcp dpt:12345/.test(l))!;
    // `iptables -n -L INPUT` prints the chain header and column header above the rule
    const iptables = `Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\n${rule}\n`;
    const netstat = article.find((l) => /SYN_SENT\s+<PID>\/telnet/.test(l))!;
    const r = await runPipeline([text("tcpdump", tcpdump), text("iptables", iptables), text("netstat", netstat)]);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({
      outcome: "timeout",
      firewall: { chain: "INPUT", rule: 1, target: "DROP" },
      process: { command: "telnet" },
    });
    expect(r.diagnoses.find((d) => d.code === "FIREWALL_RULE")?.message).toMatch(
      /SYNs to 127\.0\.0\.1:12345 are dropped by INPUT rule 1 \(DROP .*tcp dpt:12345\): connect\(\) times out after 63 s/,
    );
  });
});

describe("iptables-save and iptables -S", () => {
  const saves = ["iptables", "ip6tables", "iptables-legacy"].flatMap((d) =>
    readdirSync(join(LOCAL, d))
      .filter((f) => /-save|-S/.test(f))
      .map((f) => join(LOCAL, d, f)),
  );

  it("parses every line of every save/-S listing in corpus/local exactly once", async () => {
    const { iptablesSaveLineParser } = await import("../src/firewall/save-grammar.js");
    expect(saves.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const file of saves) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.trim() && iptablesSaveLineParser.parseAll(line).length !== 1) problems.push(`${file}:${i + 1}: ${line}`);
        });
    }
    expect(problems).toEqual([]);
  });

  it.each(["iptables-save.txt", "iptables-save-c.txt", "iptables-S.txt", "iptables-S-v.txt"])(
    "%s decides the fixtures' attempts like iptables -L does",
    async (file) => {
      for (const [scenario, rule, target] of [
        ["drop-exp-r5", 1, "DROP"],
        ["reject-tcp-reset", 2, "REJECT"],
        ["reject-icmp-host-prohibited", 4, "REJECT"],
      ] as const) {
        const r = await analyzeFiles([join(FIXTURES, scenario, "tcpdump-nn.txt"), join(LOCAL, "iptables", file)]);
        expect(r.inputs[1]!.format).toBe("iptables-save");
        expect(r.inputs[1]!.unparsed).toBe(0);
        expect(r.attempts[0]!.firewall).toMatchObject({ chain: "INPUT", rule, target });
      }
    },
  );

  it("turns rule specs into what -L prints", async () => {
    const { listedForm } = await import("../src/firewall/rulespec.js");
    expect(listedForm("-p tcp -m tcp --dport 7003 --tcp-flags FIN,SYN,RST,ACK ACK -j DROP".split(" "))).toMatchObject({
      prot: "tcp",
      target: "DROP",
      options: "dpt:7003 flags:FIN,SYN,RST,ACK/ACK",
    });
    expect(listedForm("! -s 10.0.0.0/8 -p tcp -m multiport --dports 80,443 -j REJECT --reject-with tcp-reset".split(" "))).toMatchObject({
      source: "!10.0.0.0/8",
      options: "multiport dports 80,443 reject-with tcp-reset",
    });
  });
});

describe("conformance with jc's iptables parser", () => {
  const jcDir = join(SHARED, "corpus", "jc");
  const pairs = readdirSync(jcDir).flatMap((os) =>
    readdirSync(join(jcDir, os))
      .filter((f) => /^iptables.*\.out$/.test(f))
      .map((f) => join(jcDir, os, f)),
  );

  interface JcRule {
    num?: number;
    pkts?: number;
    bytes?: number;
    target: string | null;
    prot: string;
    opt: string | null;
    in?: string;
    out?: string;
    source: string;
    destination: string;
    options?: string;
  }

  it.each(pairs)("%s: the same chains and rules as jc's JSON", (out) => {
    const expected = JSON.parse(readFileSync(out.replace(/\.out$/, ".json"), "utf8")) as {
      chain: string;
      default_policy?: string;
      rules: JcRule[];
    }[];
    const chains: { chain: string; policy: string | null; rules: JcRule[] }[] = [];
    for (const line of readFileSync(out, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const r = iptablesLineParser.parse(line);
      expect(r.ok, line).toBe(true);
      if (!r.ok) continue;
      const v = r.value;
      if (v.record === "chain") chains.push({ chain: v.chain, policy: v.policy, rules: [] });
      else if (v.record === "rule") {
        const rule: JcRule = {
          target: v.target,
          prot: v.prot,
          opt: v.opt === "--" ? null : v.opt,
          source: v.source,
          destination: v.destination,
        };
        if (v.num !== null) rule.num = v.num;
        if (v.pkts !== null) Object.assign(rule, { pkts: v.pkts, bytes: v.bytes, in: v.in, out: v.out });
        if (v.options !== null) rule.options = v.options;
        chains.at(-1)!.rules.push(rule);
      }
    }
    expect(chains.map((c) => c.chain)).toEqual(expected.map((c) => c.chain));
    chains.forEach((c, i) => {
      const e = expected[i]!;
      if (e.default_policy !== undefined) expect(c.policy).toBe(e.default_policy);
      // jc writes a blank target as null, leaves out fields it has no value
      // for, and keeps trailing blanks of the options ("[goto] "): trimmed here
      const want = e.rules.map((r) => ({ ...r, target: r.target ?? null, ...(r.options !== undefined ? { options: r.options.trim() } : {}) }));
      expect(c.rules).toEqual(want);
    });
  });
});

describe("each fixture with the firewall listing of its own namespace", async () => {
  // scenario.json holds what `iptables -n -v -L --line-numbers` (or ip6tables)
  // printed in the namespace after the run.
  const { scenarios } = await import("./helpers/paths.js");
  const cases = scenarios().map((s) => {
    const firewall = (JSON.parse(readFileSync(join(FIXTURES, s, "scenario.json"), "utf8")) as { firewall: string }).firewall;
    return [s, firewall] as const;
  });

  it.each(cases)("%s", async (scenario, firewall) => {
    const capture = readFileSync(join(FIXTURES, scenario, "tcpdump-nn.txt"), "utf8");
    const r = await runPipeline([text("capture", capture), text("iptables", firewall)]);
    expect(r.inputs[1]!.format).toBe("iptables");
    expect(r.inputs[1]!.unparsed).toBe(0);
    // the rule the capture script set up for each attempt (expected.json), found in the listing printed here
    const expected = (JSON.parse(readFileSync(join(FIXTURES, scenario, "expected.json"), "utf8")) as {
      attempts: { server: { ip: string; port: number }; firewall: { chain: string; rule: number | null; target: string } | null }[];
    }).attempts;
    expect(r.attempts.length).toBe(expected.length);
    for (const a of r.attempts) {
      const e = expected.filter((x) => x.server.ip === a.server.ip && x.server.port === a.server.port);
      expect(e.length, `${scenario} ${a.server.port}`).toBeGreaterThan(0);
      if (e[0]!.firewall) expect(a.firewall, `${scenario} ${a.server.port}`).toMatchObject(e[0]!.firewall);
      else expect(a.firewall, `${scenario} ${a.server.port}`).toBeNull();
    }
    expect(r.diagnoses.map((d) => d.code)).not.toContain("FIREWALL_CONTRADICTS");
  });
});

describe("nft list ruleset", () => {
  const rulesets = ["nft-list-ruleset.txt", "nft-a-list-ruleset.txt"].map((f) => join(LOCAL, "nft", f));

  it("parses every line of the corpus rulesets exactly once", async () => {
    const { nftLineParser } = await import("../src/firewall/nft-grammar.js");
    const problems: string[] = [];
    for (const file of rulesets) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.trim() && nftLineParser.parseAll(line).length !== 1) problems.push(`${file}:${i + 1}: ${line}`);
        });
    }
    expect(problems).toEqual([]);
  });

  it.each([
    ["drop-exp-r5", 1, "DROP"],
    ["reject-tcp-reset", 2, "REJECT"],
    ["reject-icmp-host-prohibited", 4, "REJECT"],
    ["ipv6-admin-prohibited", 4, "REJECT"],
    ["ipv6-drop-r3", 1, "DROP"],
  ])("%s: the base chain hooked on input, rule %i %s (ip and ip6 tables kept apart)", async (scenario, rule, target) => {
    for (const file of rulesets) {
      const r = await analyzeFiles([join(FIXTURES, scenario, "tcpdump-nn.txt"), file]);
      expect(r.inputs[1]).toMatchObject({ format: "nft", unparsed: 0 });
      expect(r.attempts[0]!.firewall).toMatchObject({ chain: "INPUT", rule, target });
    }
  });

  it("turns nft rules into what -L prints", async () => {
    const { nftListedForm } = await import("../src/firewall/nft-rule.js");
    expect(nftListedForm('iifname "lo" tcp dport 12345 counter packets 28 bytes 1680 drop'.split(" "), "ip")).toMatchObject({
      in: "lo",
      prot: "tcp",
      target: "DROP",
      pkts: 28,
      options: "dpt:12345",
    });
    expect(nftListedForm(["tcp", "dport", "{ 8080, 8090 }", "accept"], "ip").options).toBe("dpt:8080,8090");
  });
});

describe("rules that match only some packets", () => {
  // Written here: no fixture has a statistic nth rule; the form is what
  // iptables -L -n prints for -m statistic --mode nth --every 2 --packet 0.
  const nth = [
    "Chain INPUT (policy ACCEPT)",
    "target     prot opt source               destination",
    "DROP       6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8081 statistic mode nth every 2 packet 0",
    "DROP       6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 statistic mode nth every 2 packet 0",
  ].join("\n");

  it("statistic nth: the rule for an attempt that lost SYNs", async () => {
    const capture = readFileSync(join(FIXTURES, "slow-connect", "tcpdump-nn.txt"), "utf8");
    const r = await runPipeline([text("capture", capture), text("iptables", nth)]);
    expect(r.attempts[0]!.syn.retransmits).toBeGreaterThan(0);
    expect(r.attempts[0]!.firewall).toMatchObject({ chain: "INPUT", rule: 1, target: "DROP" });
  });

  it("statistic nth: not the rule for an attempt whose first SYN got through", async () => {
    const capture = readFileSync(join(FIXTURES, "established-http", "tcpdump-nn.txt"), "utf8");
    const r = await runPipeline([text("capture", capture), text("iptables", nth)]);
    expect(r.attempts[0]!.firewall).toBeNull();
  });
});

describe("a router's listing", () => {
  it("FORWARD decides a SYN between two other hosts when an explicit rule matches it", async () => {
    // fixtures/veth-host-unreachable-and-drop (10.199.0.1 -> 10.199.0.2:81) with
    // a listing written here, as a router between the two would print it.
    const capture = readFileSync(join(FIXTURES, "veth-host-unreachable-and-drop", "tcpdump-nn.txt"), "utf8");
    const router = [
      "Chain INPUT (policy ACCEPT)",
      "target     prot opt source               destination",
      "Chain FORWARD (policy ACCEPT)",
      "target     prot opt source               destination",
      "DROP       6    --  0.0.0.0/0            10.199.0.2           tcp dpt:81",
    ].join("\n");
    const r = await runPipeline([text("capture", capture), text("router", router)]);
    const a = r.attempts.find((x) => x.server.port === 81)!;
    expect(a.firewall).toMatchObject({ chain: "FORWARD", rule: 1, target: "DROP" });
  });
});
