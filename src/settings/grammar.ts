import grammar from "../generated/sysctl.js";
import { grammarLineParser } from "../line-parser.js";
import { finish } from "./build.js";
import type { SysctlLine } from "./records.js";

/** The sysctl grammar behind the line-parser interface. */
export const sysctlLineParser = grammarLineParser<SysctlLine>(grammar as never, finish);
