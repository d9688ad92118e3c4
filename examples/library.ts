// wasmbox as a library: compile a WASI program once (reusing earlier compiles through a cache
// directory), instantiate it with its arguments, a read-only directory and a stdout of our own, and
// call its exported entry point. The README shows this file; test/cli/readme.test.ts runs it.
import fs from 'node:fs';
import {
  ExitError,
  instantiateWasi,
  newCompilationCacheWithDir,
  newFSConfig,
  newModuleConfig,
  newRuntime,
  newRuntimeConfig,
} from '../src/index.js';

const cache = newCompilationCacheWithDir('.cache/wasmbox');
const rt = newRuntime(newRuntimeConfig().withCompilationCache(cache));
try {
  instantiateWasi(rt); // wasi_snapshot_preview1 (and wasi_unstable) for the guests of this runtime
  const compiled = rt.compile(fs.readFileSync('examples/wordfreq.wasm'));

  const out: Uint8Array[] = [];
  const config = newModuleConfig()
    .withArgs('wordfreq', '/data/sample.txt')
    .withFSConfig(newFSConfig().withReadOnlyDirMount('examples', '/data'))
    .withStdout({ write: (bytes) => out.push(bytes) })
    .withStartFunctions(); // don't run _start on instantiation: we call it below

  const instance = rt.instantiate(compiled, config);
  try {
    instance.exportedFunction('_start')!.call();
  } catch (e) {
    if (!(e instanceof ExitError) || e.exitCode !== 0) throw e; // a WASI program may exit(0)
  }
  const text = Buffer.concat(out).toString('utf8');
  console.log(text.split('\n')[0]); // "102 words, 64 distinct"
} finally {
  rt.close();
}
