import grammar from "../generated/nft.js";
import { grammarLineParser } from "../line-parser.js";
import type { NftLine } from "./nft-build.js";

/** The `nft list ruleset` grammar behind the line-parser interface. */
export const nftLineParser = grammarLineParser<NftLine>(grammar as never);
