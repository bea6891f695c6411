import netstatGrammar from "../generated/netstat.js";
import ssGrammar from "../generated/ss.js";
import { grammarLineParser } from "../line-parser.js";
import { finish as netstatFinish } from "./netstat-build.js";
import type { SocketTableLine } from "./records.js";
import { finish as ssFinish } from "./ss-build.js";

/** The netstat grammar (Linux net-tools and the BSD form) behind the line-parser interface. */
export const netstatLineParser = grammarLineParser<SocketTableLine>(netstatGrammar as never, netstatFinish);

/** The ss grammar (iproute2) behind the line-parser interface. */
export const ssLineParser = grammarLineParser<SocketTableLine>(ssGrammar as never, ssFinish);
