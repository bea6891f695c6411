import grammar from "../generated/iptables.js";
import { grammarLineParser } from "../line-parser.js";
import { finish } from "./build.js";
import type { FirewallLine } from "./records.js";

/** The iptables -L grammar behind the line-parser interface. */
export const iptablesLineParser = grammarLineParser<FirewallLine>(grammar as never, finish);
