import grammar from "../generated/tcpdump.js";
import { grammarLineParser } from "../line-parser.js";
import { finish } from "./build.js";
import type { TcpdumpLine } from "./records.js";

/** The tcpdump grammar behind the line-parser interface. */
export const tcpdumpLineParser = grammarLineParser<TcpdumpLine>(grammar as never, finish);
