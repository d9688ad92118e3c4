// Which WebAssembly features the host engine supports (probed once per feature with a tiny module and
// cached) and which of them a module uses, so that `engine: "auto"` picks the compiler exactly when
// the host can run the module, and `engine: "compiler"` can say what is missing.

import { Features, listFeatures } from '../../api/features.js';
import { InstrReader } from '../../binary/instr.js';
import { Op, opInfo } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import { type ConstExpr, ExternKind, type Module, ValType } from '../../binary/types.js';

/** Fixed-width SIMD: part of Wasm 2.0, so not a `Features` flag, but hosts may lack it. */
export const SIMD = 1 << 16;

/** Probe modules after the 8-byte header, as hex (built with wat2wasm; the source is in the comment). */
const probes: [number, string][] = [
  // (module (func (drop (v128.const i32x4 0 0 0 0))))
  [SIMD, '010401600000030201000a17011500fd0c000000000000000000000000000000001a0b'],
  // (module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))
  [Features.threads, '010401600000030201000504010301010a0b0109004100fe1002001a0b'],
  // (module (tag) (func (try (do) (catch_all))))
  [Features.exceptions, '010401600000030201000d030100000a080106000640190b0b'],
  // (module (func return_call 0))
  [Features.tailCall, '010401600000030201000a0601040012000b'],
  // (module (global i32 (i32.add (i32.const 1) (i32.const 2))))
  [Features.extendedConst, '0609017f00410141026a0b'],
  // (module (memory 0) (memory 0))
  [Features.multiMemory, '05050200000000'],
  // (module (memory i64 0))
  [Features.memory64, '0503010400'],
  // (module (func (drop (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0)))))
  [Features.relaxedSimd, '010401600000030201000a1a011800fd0c00000000000000000000000000000000fd81021a0b'],
];

let hostSet: number | undefined;

/** The features (and SIMD) the host's WebAssembly validates, probed on first use. */
export function hostFeatures(): number {
  if (hostSet === undefined) {
    hostSet = 0;
    for (const [flag, hex] of probes) {
      const bytes = new Uint8Array(8 + hex.length / 2);
      bytes.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      for (let i = 0; i < hex.length; i += 2) bytes[8 + i / 2] = parseInt(hex.slice(i, i + 2), 16);
      try {
        if (WebAssembly.validate(bytes)) hostSet |= flag;
      } catch {
        // A host that throws instead of answering does not support it either.
      }
    }
  }
  return hostSet;
}

export function featureNames(flags: number): string[] {
  const out = listFeatures(flags & ~SIMD);
  if (flags & SIMD) out.unshift('simd');
  return out;
}

const opFeature: Record<string, number> = {
  'tail-call': Features.tailCall,
  'exception-handling': Features.exceptions,
  threads: Features.threads,
  'relaxed-simd': Features.relaxedSimd,
};

function extendedConstExpr(e: ConstExpr | null): boolean {
  if (!e) return false;
  return e.some((i) => i.op === Op.i32_add || i.op === Op.i32_sub || i.op === Op.i32_mul ||
    i.op === Op.i64_add || i.op === Op.i64_sub || i.op === Op.i64_mul);
}

/**
 * Which of `wanted` (feature flags and SIMD) module `m` uses. Looks at the module's declarations first
 * and reads the function bodies only for what they alone can reveal (an instruction of a proposal).
 * `features` are the ones the module was decoded with.
 */
export function usedFeatures(m: Module, wanted: number, features: number): number {
  let used = 0;
  const mems = [...m.imports.filter((i) => i.desc.kind === ExternKind.memory).map((i) => (i.desc as { type: Module['memories'][0] }).type), ...m.memories];
  if (mems.some((t) => t.shared)) used |= Features.threads;
  if (mems.some((t) => t.index64)) used |= Features.memory64;
  if (mems.length > 1) used |= Features.multiMemory;
  if (m.tags.length > 0 || m.imports.some((i) => i.desc.kind === ExternKind.tag)) used |= Features.exceptions;
  if (
    m.globals.some((g) => extendedConstExpr(g.init)) ||
    m.elems.some((e) => extendedConstExpr(e.offset)) ||
    m.datas.some((d) => extendedConstExpr(d.offset))
  ) {
    used |= Features.extendedConst;
  }
  const v128 = (ts: readonly number[]) => ts.includes(ValType.v128);
  if (m.types.some((t) => v128(t.params) || v128(t.results)) || m.globals.some((g) => g.type.type === ValType.v128) ||
    m.codes.some((c) => c.locals.some((l) => l.type === ValType.v128))) {
    used |= SIMD;
  }
  const inBodies = wanted & ~used & (SIMD | Features.tailCall | Features.exceptions | Features.threads | Features.relaxedSimd);
  if (inBodies) used |= opsUsed(m, inBodies, features);
  return used & wanted;
}

/** The op-level features among `wanted` used by the module's function bodies. */
function opsUsed(m: Module, wanted: number, features: number): number {
  let used = 0;
  for (const code of m.codes) {
    const ir = new InstrReader(new Reader(code.body), features);
    const r = ir.r;
    while (!r.eof) {
      ir.read();
      const op = ir.op;
      if (op < 0xc0) {
        // Only try (0x06..0x0a, 0x18, 0x19) and the tail calls (0x12, 0x13) among the one-byte opcodes.
        if (op >= 0x06 && op <= 0x0a) used |= Features.exceptions;
        else if (op === 0x18 || op === 0x19) used |= Features.exceptions;
        else if (op === 0x12 || op === 0x13) used |= Features.tailCall;
        else continue;
      } else if (op >= 0x200 && op < 0x400) {
        used |= SIMD;
        const f = opInfo(op)?.feature;
        if (f && f !== 'core') used |= opFeature[f] ?? 0;
      } else if (op >= 0x400) {
        used |= Features.threads;
      }
      if ((used & wanted) === wanted) return used;
    }
  }
  return used;
}
