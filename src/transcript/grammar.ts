import grammar from "../generated/transcript.js";
import { grammarLineParser } from "../line-parser.js";
import { finish } from "./build.js";
import type { TranscriptLine } from "./records.js";

/** The transcript grammar (prompts, `time`, client messages) behind the line-parser interface. */
export const transcriptLineParser = grammarLineParser<TranscriptLine>(grammar as never, finish);
