import grammar from "../generated/strace.js";
import { grammarLineParser, withFastPath } from "../line-parser.js";
import { finish } from "./build.js";
import { fastStraceLine } from "./fast.js";
import type { StraceLine } from "./records.js";

/** The strace grammar alone, behind the line-parser interface. */
export const straceGrammar = grammarLineParser<StraceLine>(grammar as never, finish);

/** strace lines as the readers parse them: the fast path, then the grammar. */
export const straceLineParser = withFastPath(fastStraceLine, straceGrammar);
