// Per-opcode tables the body validator dispatches on, computed once at module load from the opcode
// table (`opcodes.ts`). The hot loop then reads small typed arrays indexed by the dense opcode id
// instead of parsing signature strings or looking at `OpInfo` objects.

import { Features } from '../api/features.js';
import { Feature, Imm, OP_ID_LIMIT, allOps } from '../binary/opcodes.js';
import { ValType } from '../binary/types.js';

/** How the body validator handles an opcode (the value of `opClass[op]`). */
export const Cls = {
  /** Fixed stack signature and no immediate that needs checking: typed from `sigParams`/`sigResult`. */
  plain: 0,
  /** A memory access (memarg): memory index, alignment and address type, then the signature. */
  mem: 1,
  /** A SIMD lane instruction: lane index, then the signature. */
  lane: 2,
  /** A SIMD lane load/store: memarg and lane index, then the signature. */
  memLane: 3,
  /** Everything else: typed by hand in the validator's switch. */
  special: 4,
  /** Its proposal is not enabled: the opcode is treated as unknown. */
  disabled: 5,
  /** Not an instruction (never produced: the reader rejects unknown opcodes). */
  none: 6,
} as const;

/** Up to three parameters per plain opcode (`v128.bitselect`, `cmpxchg` have three). */
export const MAX_SIG_PARAMS = 3;

/** Parameter types of each opcode with a fixed signature: `sigParams[op * 3 + i]`. */
export const sigParams = new Uint8Array(OP_ID_LIMIT * MAX_SIG_PARAMS);
/** Number of parameters of each opcode with a fixed signature. */
export const sigParamCount = new Uint8Array(OP_ID_LIMIT);
/** Result type of each opcode with a fixed signature, or 0 when it has none (none has two). */
export const sigResult = new Uint8Array(OP_ID_LIMIT);
/** log2 natural alignment of memory accesses (255 when not one). */
export const naturalAlign = new Uint8Array(OP_ID_LIMIT).fill(255);
/** Number of lanes addressed by a lane index immediate (0 when the opcode has none). */
export const laneCount = new Uint8Array(OP_ID_LIMIT);
/** 1 for atomic memory accesses, whose alignment must equal the natural one (threads proposal). */
export const isAtomic = new Uint8Array(OP_ID_LIMIT);
/** The `Features` bit an opcode needs, 0 for the Wasm 2.0 core. */
export const opFeature = new Int32Array(OP_ID_LIMIT);

const baseClass = new Uint8Array(OP_ID_LIMIT).fill(Cls.none);

const letterType: Record<string, number> = {
  i: ValType.i32,
  I: ValType.i64,
  f: ValType.f32,
  F: ValType.f64,
  v: ValType.v128,
};

const featureBits: Record<string, number> = {
  [Feature.core]: 0,
  [Feature.tailCall]: Features.tailCall,
  [Feature.exceptions]: Features.exceptions,
  [Feature.threads]: Features.threads,
  [Feature.relaxedSimd]: Features.relaxedSimd,
};

function lanesOfShape(name: string): number {
  if (name.startsWith('i8x16')) return 16;
  if (name.startsWith('i16x8')) return 8;
  if (name.startsWith('i32x4') || name.startsWith('f32x4')) return 4;
  if (name.startsWith('i64x2') || name.startsWith('f64x2')) return 2;
  throw new Error(`no lane shape in ${name}`);
}

for (const info of allOps) {
  const op = info.id;
  opFeature[op] = featureBits[info.feature] ?? 0;
  if (info.align >= 0) naturalAlign[op] = info.align;
  if (op >= 0x400) isAtomic[op] = 1;
  if (info.sig === '') {
    baseClass[op] = Cls.special;
    continue;
  }
  const [ps, rs] = info.sig.split('>') as [string, string];
  if (ps.length > MAX_SIG_PARAMS || rs.length > 1) throw new Error(`unexpected signature of ${info.name}`);
  for (let i = 0; i < ps.length; i++) sigParams[op * MAX_SIG_PARAMS + i] = letterType[ps[i]!]!;
  sigParamCount[op] = ps.length;
  sigResult[op] = rs.length ? letterType[rs]! : 0;
  switch (info.imm) {
    case Imm.memarg:
      baseClass[op] = Cls.mem;
      break;
    case Imm.memargLane:
      baseClass[op] = Cls.memLane;
      laneCount[op] = 16 >> info.align; // v128.loadN_lane: 128 / N lanes
      break;
    case Imm.lane:
      baseClass[op] = Cls.lane;
      laneCount[op] = lanesOfShape(info.name);
      break;
    case Imm.shuffle:
      baseClass[op] = Cls.lane;
      laneCount[op] = 32; // each of the 16 indices picks one of the 32 bytes of the two operands
      break;
    case Imm.none:
    case Imm.i32:
    case Imm.i64:
    case Imm.f32:
    case Imm.f64:
    case Imm.v128:
    case Imm.fence:
      baseClass[op] = Cls.plain;
      break;
    default:
      // A fixed signature but an index immediate to check (data.drop, elem.drop).
      baseClass[op] = Cls.special;
  }
}

const classCache = new Map<number, Uint8Array>();

/**
 * The opcode class table for a feature set: the base classes with the opcodes of disabled proposals
 * marked `Cls.disabled`. Cached per feature set (there are few).
 */
export function opClasses(features: number): Uint8Array {
  let t = classCache.get(features);
  if (t === undefined) {
    t = baseClass.slice();
    for (let op = 0; op < OP_ID_LIMIT; op++) {
      const need = opFeature[op]!;
      if (need !== 0 && (features & need) === 0) t[op] = Cls.disabled;
    }
    classCache.set(features, t);
  }
  return t;
}
