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
