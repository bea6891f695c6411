// Empties dist/ before a build: what a build no longer makes must not stay
// there to be packed.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
