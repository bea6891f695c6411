// sysctl output and /proc/sys values: the grammar, what proves it, and settings as events.
import type { LineParse } from "../line-parser.js";
import { sysctlLineParser } from "../settings/grammar.js";
import type { SysctlLine } from "../settings/records.js";
import { asParsed, type FormatModule, type FormatReader, type ReaderContext } from "./format.js";

/**
 * sysctl output: settings with their keys; bare values (sysctl -n, cat
 * /proc/sys/...) take the keys the command named, in order.
 */
function sysctlReader(ctx: ReaderContext): FormatReader {
  const { input, onRecord } = ctx;
  // sysctl -n KEY... and cat /proc/sys/...: the keys of the bare values that follow
  const pending = [...(ctx.hints.keys ?? [])];
  return {
    line(line, text): LineParse<SysctlLine> {
      const parsed = sysctlLineParser.parse(text);
      if (!parsed.ok) return parsed;
      let rec = parsed.value;
      if (rec.record === "value") {
        const key = pending.shift();
        if (!key) return { ok: false, reason: "a value without its key (sysctl -n and cat /proc/sys print values only; the command names the key)" };
        rec = { record: "setting", key, value: rec.value };
      }
      if (rec.record === "message") {
        // a key the kernel lacks prints an error instead of its value: the values after it keep their keys
        const missing = /\/proc\/sys\/(\S+?):/.exec(rec.text)?.[1]?.replace(/\//g, ".") ?? /key "([^"]+)"/.exec(rec.text)?.[1];
        const at = missing ? pending.indexOf(missing) : -1;
        if (at >= 0) pending.splice(at, 1);
      }
      onRecord?.(line, asParsed(rec));
      if (rec.record === "setting") ctx.sink.feed({ type: "setting", at: { input, line }, key: rec.key, value: rec.value });
      return { ok: true, value: rec };
    },
    end: () => undefined,
    notes: () => [],
  };
}

export const sysctl: FormatModule = {
  name: "sysctl",
  parser: sysctlLineParser,
  proves(line) {
    // a bare value means something only after its command
    const sc = sysctlLineParser.parse(line);
    return sc.ok && sc.value.record !== "value";
  },
  weight: 1,
  reader: sysctlReader,
};
