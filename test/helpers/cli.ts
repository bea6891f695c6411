// tcpdiag's command line run in this process, its output caught.
import { Readable } from "node:stream";
import { main } from "../../src/cli.js";

export async function runCli(args: string[], stdin?: string, columns?: number) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
    ...(columns !== undefined ? { columns } : {}),
  });
  return { code, stdout, stderr };
}
