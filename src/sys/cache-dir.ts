// A compilation cache in a directory (wazero's NewCompilationCacheWithDir), shared by processes:
// entries live in DIR/wasmbox-VERSION/, one file each, named by the key's hash. A writer writes a
// temporary file beside the entry and renames it over the entry, so a reader sees a whole old entry,
// a whole new one, or none — never half of one — and concurrent writers of the same entry (which
// write the same bytes) cannot corrupt it. What an entry contains and how it is checked is the
// runtime's business (src/runtime/compilation-cache.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { CompilationCache } from '../runtime/compilation-cache.js';
import { VERSION } from '../version.js';

export interface DirCompilationCache extends CompilationCache {
  /** The directory entries of this wasmbox version are kept in. */
  readonly dir: string;
}

let tmpCounter = 0;

/**
 * A cache kept in `dir` (created when missing, relative paths taken from the working directory).
 * Throws when `dir` cannot be a directory (for example, a file is there).
 */
export function newCompilationCacheWithDir(dir: string): DirCompilationCache {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('newCompilationCacheWithDir: expected a directory path');
  const root = path.resolve(dir);
  const st = fs.statSync(root, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new Error(`${root} is not a directory`);
  const versioned = path.join(root, `wasmbox-${VERSION}`);
  fs.mkdirSync(versioned, { recursive: true });
  return {
    dir: versioned,
    get(name) {
      try {
        return new Uint8Array(fs.readFileSync(path.join(versioned, name)));
      } catch {
        return undefined;
      }
    },
    set(name, data) {
      const file = path.join(versioned, name);
      const tmp = `${file}.${process.pid}.${++tmpCounter}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, file);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
      }
    },
  };
}
