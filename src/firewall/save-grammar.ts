import grammar from "../generated/iptables_save.js";
import { grammarLineParser } from "../line-parser.js";
import type { SaveLine } from "./save-build.js";

/** The iptables-save / iptables -S grammar behind the line-parser interface. */
export const iptablesSaveLineParser = grammarLineParser<SaveLine>(grammar as never);
