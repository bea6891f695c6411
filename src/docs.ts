// Where each diagnosis code's page is (docs/codes/CODE.md): the path in the
// package, for the JSON report, and its file URL here, for the HTML page's
// links. This module sits at the top of src/ so that it resolves alike from
// dist/ and from the bundle beside it.
import { fileURLToPath } from "node:url";

const DOCS = new URL("../docs/codes/", import.meta.url);

/** The page's path inside the package. */
export function docsPath(code: string): string {
  return `docs/codes/${code}.md`;
}

/** The folder of the pages where this package is installed. */
export function docsFolder(): string {
  return fileURLToPath(DOCS);
}

/** The page's file URL where this package is installed. */
export function docsUrl(code: string): string {
  return new URL(`${code}.md`, DOCS).href;
}
