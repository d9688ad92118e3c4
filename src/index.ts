// wasmbox's public API. This file is the composition root: it hands the engines to the runtime.

import { type RuntimeConfig, newRuntimeConfig } from './api/config.js';
import type { Runtime } from './api/types.js';
import { compilerEngine } from './engine/compiler/index.js';
import { interpreterEngine } from './engine/interpreter/index.js';
import { RuntimeImpl } from './runtime/runtime.js';

/** Creates a runtime (wazero's NewRuntimeWithConfig). */
export function newRuntime(config: RuntimeConfig = newRuntimeConfig()): Runtime {
  return new RuntimeImpl(config, { interpreter: interpreterEngine(), compiler: compilerEngine() });
}

export { newRuntimeConfig, newModuleConfig } from './api/config.js';
export { VERSION } from './version.js';
export { newCompilationCache } from './runtime/compilation-cache.js';
export type { CompilationCache } from './runtime/compilation-cache.js';
export { newCompilationCacheWithDir } from './sys/cache-dir.js';
export type { DirCompilationCache } from './sys/cache-dir.js';
export type { RuntimeConfig, ModuleConfig, EngineChoice } from './api/config.js';
export { Features, defaultFeatures, allFeatures, featureByName, featureName } from './api/features.js';
export { CompileError, LinkError, Trap, TrapCode, ExitError, ExitCode, formatWasmStack } from './api/errors.js';
export { newCancelToken, cancelTokenFrom } from './api/cancel.js';
export type { CancelToken } from './api/cancel.js';
export type { WasmFrame } from './api/errors.js';
export type {
  Runtime,
  CompiledModule,
  ModuleInstance,
  ExportedFunction,
  FunctionDefinition,
  FunctionRef,
  Memory,
  Global,
  Table,
  Caller,
  HostFunction,
  HostModuleBuilder,
  ImportDescription,
  ExportDescription,
  ExternType,
  Limits,
  ValueType,
  WasmValue,
  CallOptions,
} from './api/types.js';

// WASI preview 1 and the file-system layer.
export { instantiateWasi } from './wasi/index.js';
export type { WasiOptions } from './wasi/index.js';
export { newHostLogger, LogScope, parseLogScopes } from './wasi/logging.js';
export type { HostLogger, HostLoggerOptions } from './wasi/logging.js';
export { newFSConfig } from './sys/fsconfig.js';
export { cryptoRandSource } from './sys/context.js';
export type { FSConfig } from './sys/fsconfig.js';
export { hostDirFS } from './sys/hostfs.js';
export { readOnlyFS } from './sys/readonly.js';
export { memoryFS, overlayFS } from './sys/memfs.js';
export type { MemoryFSInit } from './sys/memfs.js';
export { OpenFlag } from './sys/fs.js';
export type { FS, File, Stat, DirEntry } from './sys/fs.js';
export type { StdinSource, StdoutSink } from './sys/stdio.js';
export { Errno as WasiErrno, Filetype as WasiFiletype, errnoName } from './wasi/constants.js';
