// Node's bare readline loop over a file: what the benchmark compares tcpdiag with.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

let lines = 0;
for await (const _ of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) lines++;
if (lines < 0) console.log(lines);
