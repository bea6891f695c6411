import grammar from "../generated/strace.js";
import { grammarLineParser } from "../line-parser.js";
import { finish } from "./build.js";
import type { StraceLine } from "./records.js";

/** The strace grammar behind the line-parser interface. */
export const straceLineParser = grammarLineParser<StraceLine>(grammar as never, finish);
