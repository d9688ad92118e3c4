// Assembling WebAssembly text for tests with wabt's wat2wasm (a test-time tool only; wasmbox itself has
// no text parser). Tests call `watUnavailable()` first and skip, saying why, when it is missing.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let probed: string | null | undefined;

/** Why wat2wasm cannot be used here, or null when it can. */
export function watUnavailable(): string | null {
  if (probed === undefined) {
    const r = spawnSync('wat2wasm', ['--version'], { encoding: 'utf8' });
    probed = r.error || r.status !== 0 ? 'wat2wasm (wabt) is not installed: apt-get install -y wabt' : null;
  }
  return probed;
}

const cacheDir = path.join(os.tmpdir(), 'wasmbox-wat-cache');

/** Assembles `text` (cached by content). Extra wat2wasm flags (e.g. `--enable-threads`) may be given. */
export function wat(text: string, ...flags: string[]): Uint8Array {
  const key = crypto.createHash('sha256').update(flags.join(' ') + '\n' + text).digest('hex').slice(0, 24);
  const out = path.join(cacheDir, `${key}.wasm`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const src = path.join(cacheDir, `${key}.${process.pid}.wat`);
    fs.writeFileSync(src, text);
    const tmp = `${out}.${process.pid}.tmp`;
    const r = spawnSync('wat2wasm', ['--debug-names', ...flags, src, '-o', tmp], { encoding: 'utf8' });
    fs.rmSync(src, { force: true });
    if (r.status !== 0) throw new Error(`wat2wasm failed: ${r.stderr || r.stdout}`);
    fs.renameSync(tmp, out);
  }
  return new Uint8Array(fs.readFileSync(out));
}
