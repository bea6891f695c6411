import grammar from "../generated/tcpdump.js";
import { grammarLineParser, withFastPath } from "../line-parser.js";
import { finish } from "./build.js";
import { fastTcpdumpLine } from "./fast.js";
import type { TcpdumpLine } from "./records.js";

/** The tcpdump grammar alone, behind the line-parser interface. */
export const tcpdumpGrammar = grammarLineParser<TcpdumpLine>(grammar as never, finish);

/** tcpdump lines as the readers parse them: the fast path, then the grammar. */
export const tcpdumpLineParser = withFastPath(fastTcpdumpLine, tcpdumpGrammar);
