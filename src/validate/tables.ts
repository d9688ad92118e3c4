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
  /** Typed by hand in the validator's switch; replaced by the instruction's own class (specialOps). */
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

/**
 * Instructions typed by hand each get their own class, `SPECIAL_BASE + i` for the i-th opcode here, so
 * the validator's single `switch` over classes is dense (a jump table) rather than a search over
 * sparse opcode ids. Append only: the validator's case labels are these numbers (a test checks them).
 */
export const SPECIAL_BASE = 8;
export const specialOps: readonly number[] = [
  0x00, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, // unreachable … return
  0x10, 0x11, 0x12, 0x13, 0x1a, 0x1b, 0x1c, // call … select t
  0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, // local.get … table.set
  0x3f, 0x40, 0xd0, 0xd1, 0xd2, // memory.size, memory.grow, ref.*
  0x108, 0x109, 0x10a, 0x10b, 0x10c, 0x10d, 0x10e, 0x10f, 0x110, 0x111, // bulk memory and tables
  0x06, 0x07, 0x08, 0x09, 0x18, 0x19, // exception handling
];

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

// Indexed, not for-of: this runs once per process before any JIT, where iterators cost (CLI start).
for (let k = 0; k < allOps.length; k++) {
  const info = allOps[k]!;
  const op = info.id;
  opFeature[op] = featureBits[info.feature] ?? 0;
  if (info.align >= 0) naturalAlign[op] = info.align;
  if (op >= 0x400) isAtomic[op] = 1;
  if (info.sig === '') {
    baseClass[op] = Cls.special;
    continue;
  }
  const gt = info.sig.indexOf('>');
  const ps = info.sig.slice(0, gt);
  const rs = info.sig.slice(gt + 1);
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

for (let i = 0; i < specialOps.length; i++) {
  const op = specialOps[i]!;
  if (baseClass[op] !== Cls.special) throw new Error(`opcode 0x${op.toString(16)} is not typed by hand`);
  baseClass[op] = SPECIAL_BASE + i;
}
for (let op = 0; op < OP_ID_LIMIT; op++) {
  if (baseClass[op] === Cls.special) throw new Error(`opcode 0x${op.toString(16)} has no class`);
}

/** The class of an opcode when every feature is on (for tests). */
export function baseClassOf(op: number): number {
  return baseClass[op]!;
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
