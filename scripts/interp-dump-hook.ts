// Module loader hook for `interp-dump --profile` (scripts/interp-dump.ts): loaded with `node --import`,
// it serves dist's exec.js with a counting call (`globalThis.__prof(fn, pc)`) before the dispatch
// `switch`, so the real executor carries no profiling code.

import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function load(
  url: string,
  context: unknown,
  nextLoad: (url: string, context: unknown) => Promise<{ format: string; source: string | Uint8Array }>,
): Promise<{ format: string; source: string | Uint8Array; shortCircuit?: boolean }> {
  const r = await nextLoad(url, context);
  if (!url.endsWith('/engine/interpreter/exec.js')) return r;
  const src = String(r.source);
  const at = src.indexOf('switch (code[pc]) {');
  if (at < 0) throw new Error('interp-dump: dispatch switch not found in exec.js');
  return { format: r.format, source: src.slice(0, at) + 'globalThis.__prof(fn, pc);\n' + src.slice(at), shortCircuit: true };
}
