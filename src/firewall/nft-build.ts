// Postprocessors of grammar/nft.ne.
import type { Token } from "moo";

export type NftLine =
  | { record: "comment" }
  | { record: "table"; family: string; table: string }
  | { record: "chain"; chain: string }
  | { record: "close" }
  | { record: "hook"; type: string | null; hook: string | null; policy: string | null; text: string }
  | { record: "rule"; words: string[]; handle: number | null; text: string };

export const comment = (): NftLine => ({ record: "comment" });
export const close = (): NftLine => ({ record: "close" });

export function table(family: Token, name: Token): NftLine {
  return { record: "table", family: family.text, table: name.text };
}

export function chain(name: Token): NftLine {
  return { record: "chain", chain: name.text };
}

/** "type filter hook input priority filter; policy accept;" */
export function hook(words: Token[]): NftLine {
  const text = `type ${words.map((w) => w.text).join(" ")}`;
  return {
    record: "hook",
    type: /^type (\S+)/.exec(text)?.[1] ?? null,
    hook: /hook (\S+)/.exec(text)?.[1] ?? null,
    policy: /policy (\w+);/.exec(text)?.[1] ?? null,
    text,
  };
}

/** Keywords that start the other line kinds: a rule never starts with them. */
const NOT_A_RULE = new Set(["table", "chain", "type", "}"]);

export function rule(words: Token[], handle: Token | null, reject: object): NftLine | object {
  if (NOT_A_RULE.has(words[0]!.text)) return reject;
  const text = words.map((w) => w.text).join(" ");
  return { record: "rule", words: words.map((w) => w.text), handle: handle ? Number(/\d+/.exec(handle.text)![0]) : null, text };
}
