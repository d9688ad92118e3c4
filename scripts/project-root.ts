// The project's root directory, for the development tools (bench/, scripts/, test/) that read files of
// the checkout (bench programs, suites, caches). Found by walking up from the calling file to the first
// directory with a package.json, so it works from the sources and from dist/ alike.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest directory at or above `fileUrl`'s directory that holds a package.json. Throws when there
 * is none up to the file system's root (a copy of dist/ outside the checkout, say) instead of looping:
 * `path.dirname('/')` is '/' again.
 */
export function projectRootOf(fileUrl: string): string {
  const start = path.dirname(fileURLToPath(fileUrl));
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root: no package.json in ${start} or above it (run this from a checkout of wasmbox)`);
    dir = up;
  }
  return dir;
}
