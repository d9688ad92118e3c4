// WASI preview 1 as host modules: `wasi_snapshot_preview1` and its predecessor `wasi_unstable`
// (snapshot 0), each with the same 46 functions (snapshot 0's witx has no sock_accept; it is there
// too, harmlessly). The functions are HostFunctionDef records, so both engines call them the same way
// and host logging reads their parameter names from the same place (constants.ts).

import type { ModuleInstance, Runtime } from '../api/types.js';
import type { HostModuleBuilderImpl } from '../runtime/host-module.js';
import type { HostFunctionDef } from '../runtime/store.js';
import { P1, UNSTABLE, type Variant } from './common.js';
import { WASI_FUNCTIONS, WASI_P1, WASI_UNSTABLE } from './constants.js';
import { type HostLogger, wrapForLogging } from './logging.js';
import { fdFunctions } from './fd.js';
import { pathFunctions } from './path.js';
import { pollFunctions, sockFunctions } from './poll.js';
import { procFunctions } from './proc.js';

/** The 46 function definitions of a snapshot, in witx order. */
export function wasiFunctions(v: Variant): HostFunctionDef[] {
  const all = [...procFunctions(), ...fdFunctions(v), ...pathFunctions(v), ...pollFunctions(v), ...sockFunctions()];
  const byName = new Map(all.map((d) => [d.name, d]));
  return WASI_FUNCTIONS.map((f) => {
    const d = byName.get(f.name);
    if (!d) throw new Error(`WASI function ${f.name} is not implemented`);
    return d;
  });
}

export const wasiPreview1Functions = (): HostFunctionDef[] => wasiFunctions(P1);
export const wasiUnstableFunctions = (): HostFunctionDef[] => wasiFunctions(UNSTABLE);

export interface WasiOptions {
  /**
   * Logs the calls guests make to these modules (see newHostLogger). Only the functions in the
   * logger's scopes are wrapped; without a logger nothing is.
   */
  logger?: HostLogger;
  /**
   * Which snapshots to register (default both). A program importing one needs only that one; the CLI
   * registers just what the guest imports, which saves building the other's 46 functions at start.
   */
  snapshots?: readonly ('wasi_snapshot_preview1' | 'wasi_unstable')[];
}

/**
 * Instantiates `wasi_snapshot_preview1` and `wasi_unstable` in the runtime, so modules instantiated
 * afterwards can import them. Each guest gets its own args, environment, files and clocks from its
 * ModuleConfig. Returns the first snapshot's instance (wasi_snapshot_preview1 by default).
 */
export function instantiateWasi(rt: Runtime, options: WasiOptions = {}): ModuleInstance {
  const logger = options.logger;
  const build = (v: Variant): ModuleInstance => {
    const b = rt.newHostModuleBuilder(v.module) as HostModuleBuilderImpl;
    if (typeof b.exportDef !== 'function') throw new TypeError('instantiateWasi needs a runtime made by newRuntime()');
    for (const d of wasiFunctions(v)) b.exportDef(logger ? wrapForLogging(logger, v.module, d) : d);
    return b.instantiate();
  };
  const which = options.snapshots ?? [WASI_P1, WASI_UNSTABLE];
  if (which.length === 0) throw new TypeError('instantiateWasi: snapshots must name at least one of wasi_snapshot_preview1, wasi_unstable');
  let first: ModuleInstance | undefined;
  for (const name of which) {
    if (name !== WASI_P1 && name !== WASI_UNSTABLE) throw new TypeError(`instantiateWasi: unknown snapshot ${JSON.stringify(name)}`);
    const inst = build(name === WASI_P1 ? P1 : UNSTABLE);
    first ??= inst;
  }
  return first!;
}
