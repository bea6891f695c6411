import grammar from "../generated/tcpdump.js";
import { grammarLineParser, withFastPath } from "../line-parser.js";
import { finish } from "./build.js";
import { fastTcpdumpLine } from "./fast.js";
import type { TcpdumpLine } from "./records.js";

/**
 * Lines up to this long reach the tcpdump grammar: its cost grows linearly
 * (about 15 ms per 1,000 characters for long field lists, options, decodes),
 * and the longest real line the fast path leaves to it has 3,820 characters
 * (a -e Redis decode in the corpus's nn-e rendering).
 */
const MAX_TCPDUMP_GRAMMAR_LINE = 16_384;

/** The tcpdump grammar alone, behind the line-parser interface. */
export const tcpdumpGrammar = grammarLineParser<TcpdumpLine>(grammar as never, finish, MAX_TCPDUMP_GRAMMAR_LINE);

/** tcpdump lines as the readers parse them: the fast path, then the grammar. */
export const tcpdumpLineParser = withFastPath(fastTcpdumpLine, tcpdumpGrammar);
