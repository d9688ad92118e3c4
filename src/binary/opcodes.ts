// The instruction set in one table: every opcode wasmbox knows, with its spec name, the kind of
// immediates that follow it, and (for instructions whose typing is fixed) its stack signature.
//
// Opcode ids. Instructions without a prefix have their byte as id (0x00–0xFF). Prefixed instructions get
// a dense id so that engines can dispatch on one small integer:
//   0xFC sub  ->  0x100 + sub   (saturating truncation, bulk memory, table instructions)
//   0xFD sub  ->  0x200 + sub   (fixed-width SIMD; relaxed SIMD's subs 0x100–0x113 land at 0x300–0x313)
//   0xFE sub  ->  0x400 + sub   (threads: atomics)
// `Op.i32_add` gives an id by name (dots become underscores; typed `select` is `Op.select_t`),
// `opName(id)` the spec name, `opInfo(id)` the whole record, `opByName(name)` the reverse lookup.

/** Kinds of immediate operand that follow an opcode in the binary format (spec §5.4). */
export const Imm = {
  none: 0,
  block: 1, // blocktype (s33)
  label: 2, // labelidx
  brTable: 3, // vec(labelidx) labelidx
  func: 4, // funcidx
  callIndirect: 5, // typeidx tableidx
  local: 6, // localidx
  global: 7, // globalidx
  table: 8, // tableidx
  memarg: 9, // align offset (a memidx too, with multi-memory)
  mem: 10, // memidx (a single zero byte before multi-memory)
  i32: 11, // s32
  i64: 12, // s64
  f32: 13, // 4 bytes, little-endian IEEE 754
  f64: 14, // 8 bytes
  v128: 15, // 16 raw bytes
  shuffle: 16, // 16 lane indices
  lane: 17, // one lane index byte
  memargLane: 18, // memarg then a lane index byte
  selectT: 19, // vec(valtype)
  refType: 20, // the heap type of ref.null
  memoryInit: 21, // dataidx memidx
  data: 22, // dataidx
  memoryCopy: 23, // memidx memidx
  tableInit: 24, // elemidx tableidx
  elem: 25, // elemidx
  tableCopy: 26, // tableidx tableidx
  tag: 27, // tagidx (exception handling)
  fence: 28, // atomic.fence: one reserved zero byte
} as const;
export type ImmKind = (typeof Imm)[keyof typeof Imm];

/** The proposal an instruction belongs to, when it is not part of the Wasm 2.0 core. */
export const Feature = {
  core: 'core',
  tailCall: 'tail-call',
  exceptions: 'exception-handling',
  threads: 'threads',
  relaxedSimd: 'relaxed-simd',
} as const;
export type FeatureName = (typeof Feature)[keyof typeof Feature];

const I = Imm;
const F = Feature;

// [id, spec name, immediate kind, signature?, natural alignment?, feature?]
// Signature: parameter letters, '>', result letters; i=i32 I=i64 f=f32 F=f64 v=v128. Empty when the
// typing depends on immediates or context (the validator types those by hand).
// Natural alignment: log2 of the access width in bytes, for memory instructions.
const OPS = [
  // ---- single-byte opcodes (spec §5.4) ----
  [0x00, 'unreachable', I.none],
  [0x01, 'nop', I.none, '>'],
  [0x02, 'block', I.block],
  [0x03, 'loop', I.block],
  [0x04, 'if', I.block],
  [0x05, 'else', I.none],
  [0x06, 'try', I.block, '', -1, F.exceptions],
  [0x07, 'catch', I.tag, '', -1, F.exceptions],
  [0x08, 'throw', I.tag, '', -1, F.exceptions],
  [0x09, 'rethrow', I.label, '', -1, F.exceptions],
  [0x0b, 'end', I.none],
  [0x0c, 'br', I.label],
  [0x0d, 'br_if', I.label],
  [0x0e, 'br_table', I.brTable],
  [0x0f, 'return', I.none],
  [0x10, 'call', I.func],
  [0x11, 'call_indirect', I.callIndirect],
  [0x12, 'return_call', I.func, '', -1, F.tailCall],
  [0x13, 'return_call_indirect', I.callIndirect, '', -1, F.tailCall],
  [0x18, 'delegate', I.label, '', -1, F.exceptions],
  [0x19, 'catch_all', I.none, '', -1, F.exceptions],
  [0x1a, 'drop', I.none],
  [0x1b, 'select', I.none],
  [0x1c, 'select', I.selectT],
  [0x20, 'local.get', I.local],
  [0x21, 'local.set', I.local],
  [0x22, 'local.tee', I.local],
  [0x23, 'global.get', I.global],
  [0x24, 'global.set', I.global],
  [0x25, 'table.get', I.table],
  [0x26, 'table.set', I.table],
  [0x28, 'i32.load', I.memarg, 'i>i', 2],
  [0x29, 'i64.load', I.memarg, 'i>I', 3],
  [0x2a, 'f32.load', I.memarg, 'i>f', 2],
  [0x2b, 'f64.load', I.memarg, 'i>F', 3],
  [0x2c, 'i32.load8_s', I.memarg, 'i>i', 0],
  [0x2d, 'i32.load8_u', I.memarg, 'i>i', 0],
  [0x2e, 'i32.load16_s', I.memarg, 'i>i', 1],
  [0x2f, 'i32.load16_u', I.memarg, 'i>i', 1],
  [0x30, 'i64.load8_s', I.memarg, 'i>I', 0],
  [0x31, 'i64.load8_u', I.memarg, 'i>I', 0],
  [0x32, 'i64.load16_s', I.memarg, 'i>I', 1],
  [0x33, 'i64.load16_u', I.memarg, 'i>I', 1],
  [0x34, 'i64.load32_s', I.memarg, 'i>I', 2],
  [0x35, 'i64.load32_u', I.memarg, 'i>I', 2],
  [0x36, 'i32.store', I.memarg, 'ii>', 2],
  [0x37, 'i64.store', I.memarg, 'iI>', 3],
  [0x38, 'f32.store', I.memarg, 'if>', 2],
  [0x39, 'f64.store', I.memarg, 'iF>', 3],
  [0x3a, 'i32.store8', I.memarg, 'ii>', 0],
  [0x3b, 'i32.store16', I.memarg, 'ii>', 1],
  [0x3c, 'i64.store8', I.memarg, 'iI>', 0],
  [0x3d, 'i64.store16', I.memarg, 'iI>', 1],
  [0x3e, 'i64.store32', I.memarg, 'iI>', 2],
  [0x3f, 'memory.size', I.mem],
  [0x40, 'memory.grow', I.mem],
  [0x41, 'i32.const', I.i32, '>i'],
  [0x42, 'i64.const', I.i64, '>I'],
  [0x43, 'f32.const', I.f32, '>f'],
  [0x44, 'f64.const', I.f64, '>F'],
  [0x45, 'i32.eqz', I.none, 'i>i'],
  [0x46, 'i32.eq', I.none, 'ii>i'],
  [0x47, 'i32.ne', I.none, 'ii>i'],
  [0x48, 'i32.lt_s', I.none, 'ii>i'],
  [0x49, 'i32.lt_u', I.none, 'ii>i'],
  [0x4a, 'i32.gt_s', I.none, 'ii>i'],
  [0x4b, 'i32.gt_u', I.none, 'ii>i'],
  [0x4c, 'i32.le_s', I.none, 'ii>i'],
  [0x4d, 'i32.le_u', I.none, 'ii>i'],
  [0x4e, 'i32.ge_s', I.none, 'ii>i'],
  [0x4f, 'i32.ge_u', I.none, 'ii>i'],
  [0x50, 'i64.eqz', I.none, 'I>i'],
  [0x51, 'i64.eq', I.none, 'II>i'],
  [0x52, 'i64.ne', I.none, 'II>i'],
  [0x53, 'i64.lt_s', I.none, 'II>i'],
  [0x54, 'i64.lt_u', I.none, 'II>i'],
  [0x55, 'i64.gt_s', I.none, 'II>i'],
  [0x56, 'i64.gt_u', I.none, 'II>i'],
  [0x57, 'i64.le_s', I.none, 'II>i'],
  [0x58, 'i64.le_u', I.none, 'II>i'],
  [0x59, 'i64.ge_s', I.none, 'II>i'],
  [0x5a, 'i64.ge_u', I.none, 'II>i'],
  [0x5b, 'f32.eq', I.none, 'ff>i'],
  [0x5c, 'f32.ne', I.none, 'ff>i'],
  [0x5d, 'f32.lt', I.none, 'ff>i'],
  [0x5e, 'f32.gt', I.none, 'ff>i'],
  [0x5f, 'f32.le', I.none, 'ff>i'],
  [0x60, 'f32.ge', I.none, 'ff>i'],
  [0x61, 'f64.eq', I.none, 'FF>i'],
  [0x62, 'f64.ne', I.none, 'FF>i'],
  [0x63, 'f64.lt', I.none, 'FF>i'],
  [0x64, 'f64.gt', I.none, 'FF>i'],
  [0x65, 'f64.le', I.none, 'FF>i'],
  [0x66, 'f64.ge', I.none, 'FF>i'],
  [0x67, 'i32.clz', I.none, 'i>i'],
  [0x68, 'i32.ctz', I.none, 'i>i'],
  [0x69, 'i32.popcnt', I.none, 'i>i'],
  [0x6a, 'i32.add', I.none, 'ii>i'],
  [0x6b, 'i32.sub', I.none, 'ii>i'],
  [0x6c, 'i32.mul', I.none, 'ii>i'],
  [0x6d, 'i32.div_s', I.none, 'ii>i'],
  [0x6e, 'i32.div_u', I.none, 'ii>i'],
  [0x6f, 'i32.rem_s', I.none, 'ii>i'],
  [0x70, 'i32.rem_u', I.none, 'ii>i'],
  [0x71, 'i32.and', I.none, 'ii>i'],
  [0x72, 'i32.or', I.none, 'ii>i'],
  [0x73, 'i32.xor', I.none, 'ii>i'],
  [0x74, 'i32.shl', I.none, 'ii>i'],
  [0x75, 'i32.shr_s', I.none, 'ii>i'],
  [0x76, 'i32.shr_u', I.none, 'ii>i'],
  [0x77, 'i32.rotl', I.none, 'ii>i'],
  [0x78, 'i32.rotr', I.none, 'ii>i'],
  [0x79, 'i64.clz', I.none, 'I>I'],
  [0x7a, 'i64.ctz', I.none, 'I>I'],
  [0x7b, 'i64.popcnt', I.none, 'I>I'],
  [0x7c, 'i64.add', I.none, 'II>I'],
  [0x7d, 'i64.sub', I.none, 'II>I'],
  [0x7e, 'i64.mul', I.none, 'II>I'],
  [0x7f, 'i64.div_s', I.none, 'II>I'],
  [0x80, 'i64.div_u', I.none, 'II>I'],
  [0x81, 'i64.rem_s', I.none, 'II>I'],
  [0x82, 'i64.rem_u', I.none, 'II>I'],
  [0x83, 'i64.and', I.none, 'II>I'],
  [0x84, 'i64.or', I.none, 'II>I'],
  [0x85, 'i64.xor', I.none, 'II>I'],
  [0x86, 'i64.shl', I.none, 'II>I'],
  [0x87, 'i64.shr_s', I.none, 'II>I'],
  [0x88, 'i64.shr_u', I.none, 'II>I'],
  [0x89, 'i64.rotl', I.none, 'II>I'],
  [0x8a, 'i64.rotr', I.none, 'II>I'],
  [0x8b, 'f32.abs', I.none, 'f>f'],
  [0x8c, 'f32.neg', I.none, 'f>f'],
  [0x8d, 'f32.ceil', I.none, 'f>f'],
  [0x8e, 'f32.floor', I.none, 'f>f'],
  [0x8f, 'f32.trunc', I.none, 'f>f'],
  [0x90, 'f32.nearest', I.none, 'f>f'],
  [0x91, 'f32.sqrt', I.none, 'f>f'],
  [0x92, 'f32.add', I.none, 'ff>f'],
  [0x93, 'f32.sub', I.none, 'ff>f'],
  [0x94, 'f32.mul', I.none, 'ff>f'],
  [0x95, 'f32.div', I.none, 'ff>f'],
  [0x96, 'f32.min', I.none, 'ff>f'],
  [0x97, 'f32.max', I.none, 'ff>f'],
  [0x98, 'f32.copysign', I.none, 'ff>f'],
  [0x99, 'f64.abs', I.none, 'F>F'],
  [0x9a, 'f64.neg', I.none, 'F>F'],
  [0x9b, 'f64.ceil', I.none, 'F>F'],
  [0x9c, 'f64.floor', I.none, 'F>F'],
  [0x9d, 'f64.trunc', I.none, 'F>F'],
  [0x9e, 'f64.nearest', I.none, 'F>F'],
  [0x9f, 'f64.sqrt', I.none, 'F>F'],
  [0xa0, 'f64.add', I.none, 'FF>F'],
  [0xa1, 'f64.sub', I.none, 'FF>F'],
  [0xa2, 'f64.mul', I.none, 'FF>F'],
  [0xa3, 'f64.div', I.none, 'FF>F'],
  [0xa4, 'f64.min', I.none, 'FF>F'],
  [0xa5, 'f64.max', I.none, 'FF>F'],
  [0xa6, 'f64.copysign', I.none, 'FF>F'],
  [0xa7, 'i32.wrap_i64', I.none, 'I>i'],
  [0xa8, 'i32.trunc_f32_s', I.none, 'f>i'],
  [0xa9, 'i32.trunc_f32_u', I.none, 'f>i'],
  [0xaa, 'i32.trunc_f64_s', I.none, 'F>i'],
  [0xab, 'i32.trunc_f64_u', I.none, 'F>i'],
  [0xac, 'i64.extend_i32_s', I.none, 'i>I'],
  [0xad, 'i64.extend_i32_u', I.none, 'i>I'],
  [0xae, 'i64.trunc_f32_s', I.none, 'f>I'],
  [0xaf, 'i64.trunc_f32_u', I.none, 'f>I'],
  [0xb0, 'i64.trunc_f64_s', I.none, 'F>I'],
  [0xb1, 'i64.trunc_f64_u', I.none, 'F>I'],
  [0xb2, 'f32.convert_i32_s', I.none, 'i>f'],
  [0xb3, 'f32.convert_i32_u', I.none, 'i>f'],
  [0xb4, 'f32.convert_i64_s', I.none, 'I>f'],
  [0xb5, 'f32.convert_i64_u', I.none, 'I>f'],
  [0xb6, 'f32.demote_f64', I.none, 'F>f'],
  [0xb7, 'f64.convert_i32_s', I.none, 'i>F'],
  [0xb8, 'f64.convert_i32_u', I.none, 'i>F'],
  [0xb9, 'f64.convert_i64_s', I.none, 'I>F'],
  [0xba, 'f64.convert_i64_u', I.none, 'I>F'],
  [0xbb, 'f64.promote_f32', I.none, 'f>F'],
  [0xbc, 'i32.reinterpret_f32', I.none, 'f>i'],
  [0xbd, 'i64.reinterpret_f64', I.none, 'F>I'],
  [0xbe, 'f32.reinterpret_i32', I.none, 'i>f'],
  [0xbf, 'f64.reinterpret_i64', I.none, 'I>F'],
  [0xc0, 'i32.extend8_s', I.none, 'i>i'],
  [0xc1, 'i32.extend16_s', I.none, 'i>i'],
  [0xc2, 'i64.extend8_s', I.none, 'I>I'],
  [0xc3, 'i64.extend16_s', I.none, 'I>I'],
  [0xc4, 'i64.extend32_s', I.none, 'I>I'],
  [0xd0, 'ref.null', I.refType],
  [0xd1, 'ref.is_null', I.none],
  [0xd2, 'ref.func', I.func],
  // ---- 0xFC prefix: saturating truncation, bulk memory, table ops ----
  [0x100, 'i32.trunc_sat_f32_s', I.none, 'f>i'],
  [0x101, 'i32.trunc_sat_f32_u', I.none, 'f>i'],
  [0x102, 'i32.trunc_sat_f64_s', I.none, 'F>i'],
  [0x103, 'i32.trunc_sat_f64_u', I.none, 'F>i'],
  [0x104, 'i64.trunc_sat_f32_s', I.none, 'f>I'],
  [0x105, 'i64.trunc_sat_f32_u', I.none, 'f>I'],
  [0x106, 'i64.trunc_sat_f64_s', I.none, 'F>I'],
  [0x107, 'i64.trunc_sat_f64_u', I.none, 'F>I'],
  [0x108, 'memory.init', I.memoryInit],
  [0x109, 'data.drop', I.data, '>'],
  [0x10a, 'memory.copy', I.memoryCopy],
  [0x10b, 'memory.fill', I.mem],
  [0x10c, 'table.init', I.tableInit],
  [0x10d, 'elem.drop', I.elem, '>'],
  [0x10e, 'table.copy', I.tableCopy],
  [0x10f, 'table.grow', I.table],
  [0x110, 'table.size', I.table],
  [0x111, 'table.fill', I.table],
  // ---- 0xFD prefix: fixed-width SIMD (§5.4.8); relaxed SIMD at 0x300.. ----
  [0x200, 'v128.load', I.memarg, 'i>v', 4],
  [0x201, 'v128.load8x8_s', I.memarg, 'i>v', 3],
  [0x202, 'v128.load8x8_u', I.memarg, 'i>v', 3],
  [0x203, 'v128.load16x4_s', I.memarg, 'i>v', 3],
  [0x204, 'v128.load16x4_u', I.memarg, 'i>v', 3],
  [0x205, 'v128.load32x2_s', I.memarg, 'i>v', 3],
  [0x206, 'v128.load32x2_u', I.memarg, 'i>v', 3],
  [0x207, 'v128.load8_splat', I.memarg, 'i>v', 0],
  [0x208, 'v128.load16_splat', I.memarg, 'i>v', 1],
  [0x209, 'v128.load32_splat', I.memarg, 'i>v', 2],
  [0x20a, 'v128.load64_splat', I.memarg, 'i>v', 3],
  [0x20b, 'v128.store', I.memarg, 'iv>', 4],
  [0x20c, 'v128.const', I.v128, '>v'],
  [0x20d, 'i8x16.shuffle', I.shuffle, 'vv>v'],
  [0x20e, 'i8x16.swizzle', I.none, 'vv>v'],
  [0x20f, 'i8x16.splat', I.none, 'i>v'],
  [0x210, 'i16x8.splat', I.none, 'i>v'],
  [0x211, 'i32x4.splat', I.none, 'i>v'],
  [0x212, 'i64x2.splat', I.none, 'I>v'],
  [0x213, 'f32x4.splat', I.none, 'f>v'],
  [0x214, 'f64x2.splat', I.none, 'F>v'],
  [0x215, 'i8x16.extract_lane_s', I.lane, 'v>i'],
  [0x216, 'i8x16.extract_lane_u', I.lane, 'v>i'],
  [0x217, 'i8x16.replace_lane', I.lane, 'vi>v'],
  [0x218, 'i16x8.extract_lane_s', I.lane, 'v>i'],
  [0x219, 'i16x8.extract_lane_u', I.lane, 'v>i'],
  [0x21a, 'i16x8.replace_lane', I.lane, 'vi>v'],
  [0x21b, 'i32x4.extract_lane', I.lane, 'v>i'],
  [0x21c, 'i32x4.replace_lane', I.lane, 'vi>v'],
  [0x21d, 'i64x2.extract_lane', I.lane, 'v>I'],
  [0x21e, 'i64x2.replace_lane', I.lane, 'vI>v'],
  [0x21f, 'f32x4.extract_lane', I.lane, 'v>f'],
  [0x220, 'f32x4.replace_lane', I.lane, 'vf>v'],
  [0x221, 'f64x2.extract_lane', I.lane, 'v>F'],
  [0x222, 'f64x2.replace_lane', I.lane, 'vF>v'],
  [0x223, 'i8x16.eq', I.none, 'vv>v'],
  [0x224, 'i8x16.ne', I.none, 'vv>v'],
  [0x225, 'i8x16.lt_s', I.none, 'vv>v'],
  [0x226, 'i8x16.lt_u', I.none, 'vv>v'],
  [0x227, 'i8x16.gt_s', I.none, 'vv>v'],
  [0x228, 'i8x16.gt_u', I.none, 'vv>v'],
  [0x229, 'i8x16.le_s', I.none, 'vv>v'],
  [0x22a, 'i8x16.le_u', I.none, 'vv>v'],
  [0x22b, 'i8x16.ge_s', I.none, 'vv>v'],
  [0x22c, 'i8x16.ge_u', I.none, 'vv>v'],
  [0x22d, 'i16x8.eq', I.none, 'vv>v'],
  [0x22e, 'i16x8.ne', I.none, 'vv>v'],
  [0x22f, 'i16x8.lt_s', I.none, 'vv>v'],
  [0x230, 'i16x8.lt_u', I.none, 'vv>v'],
  [0x231, 'i16x8.gt_s', I.none, 'vv>v'],
  [0x232, 'i16x8.gt_u', I.none, 'vv>v'],
  [0x233, 'i16x8.le_s', I.none, 'vv>v'],
  [0x234, 'i16x8.le_u', I.none, 'vv>v'],
  [0x235, 'i16x8.ge_s', I.none, 'vv>v'],
  [0x236, 'i16x8.ge_u', I.none, 'vv>v'],
  [0x237, 'i32x4.eq', I.none, 'vv>v'],
  [0x238, 'i32x4.ne', I.none, 'vv>v'],
  [0x239, 'i32x4.lt_s', I.none, 'vv>v'],
  [0x23a, 'i32x4.lt_u', I.none, 'vv>v'],
  [0x23b, 'i32x4.gt_s', I.none, 'vv>v'],
  [0x23c, 'i32x4.gt_u', I.none, 'vv>v'],
  [0x23d, 'i32x4.le_s', I.none, 'vv>v'],
  [0x23e, 'i32x4.le_u', I.none, 'vv>v'],
  [0x23f, 'i32x4.ge_s', I.none, 'vv>v'],
  [0x240, 'i32x4.ge_u', I.none, 'vv>v'],
  [0x241, 'f32x4.eq', I.none, 'vv>v'],
  [0x242, 'f32x4.ne', I.none, 'vv>v'],
  [0x243, 'f32x4.lt', I.none, 'vv>v'],
  [0x244, 'f32x4.gt', I.none, 'vv>v'],
  [0x245, 'f32x4.le', I.none, 'vv>v'],
  [0x246, 'f32x4.ge', I.none, 'vv>v'],
  [0x247, 'f64x2.eq', I.none, 'vv>v'],
  [0x248, 'f64x2.ne', I.none, 'vv>v'],
  [0x249, 'f64x2.lt', I.none, 'vv>v'],
  [0x24a, 'f64x2.gt', I.none, 'vv>v'],
  [0x24b, 'f64x2.le', I.none, 'vv>v'],
  [0x24c, 'f64x2.ge', I.none, 'vv>v'],
  [0x24d, 'v128.not', I.none, 'v>v'],
  [0x24e, 'v128.and', I.none, 'vv>v'],
  [0x24f, 'v128.andnot', I.none, 'vv>v'],
  [0x250, 'v128.or', I.none, 'vv>v'],
  [0x251, 'v128.xor', I.none, 'vv>v'],
  [0x252, 'v128.bitselect', I.none, 'vvv>v'],
  [0x253, 'v128.any_true', I.none, 'v>i'],
  [0x254, 'v128.load8_lane', I.memargLane, 'iv>v', 0],
  [0x255, 'v128.load16_lane', I.memargLane, 'iv>v', 1],
  [0x256, 'v128.load32_lane', I.memargLane, 'iv>v', 2],
  [0x257, 'v128.load64_lane', I.memargLane, 'iv>v', 3],
  [0x258, 'v128.store8_lane', I.memargLane, 'iv>', 0],
  [0x259, 'v128.store16_lane', I.memargLane, 'iv>', 1],
  [0x25a, 'v128.store32_lane', I.memargLane, 'iv>', 2],
  [0x25b, 'v128.store64_lane', I.memargLane, 'iv>', 3],
  [0x25c, 'v128.load32_zero', I.memarg, 'i>v', 2],
  [0x25d, 'v128.load64_zero', I.memarg, 'i>v', 3],
  [0x25e, 'f32x4.demote_f64x2_zero', I.none, 'v>v'],
  [0x25f, 'f64x2.promote_low_f32x4', I.none, 'v>v'],
  [0x260, 'i8x16.abs', I.none, 'v>v'],
  [0x261, 'i8x16.neg', I.none, 'v>v'],
  [0x262, 'i8x16.popcnt', I.none, 'v>v'],
  [0x263, 'i8x16.all_true', I.none, 'v>i'],
  [0x264, 'i8x16.bitmask', I.none, 'v>i'],
  [0x265, 'i8x16.narrow_i16x8_s', I.none, 'vv>v'],
  [0x266, 'i8x16.narrow_i16x8_u', I.none, 'vv>v'],
  [0x267, 'f32x4.ceil', I.none, 'v>v'],
  [0x268, 'f32x4.floor', I.none, 'v>v'],
  [0x269, 'f32x4.trunc', I.none, 'v>v'],
  [0x26a, 'f32x4.nearest', I.none, 'v>v'],
  [0x26b, 'i8x16.shl', I.none, 'vi>v'],
  [0x26c, 'i8x16.shr_s', I.none, 'vi>v'],
  [0x26d, 'i8x16.shr_u', I.none, 'vi>v'],
  [0x26e, 'i8x16.add', I.none, 'vv>v'],
  [0x26f, 'i8x16.add_sat_s', I.none, 'vv>v'],
  [0x270, 'i8x16.add_sat_u', I.none, 'vv>v'],
  [0x271, 'i8x16.sub', I.none, 'vv>v'],
  [0x272, 'i8x16.sub_sat_s', I.none, 'vv>v'],
  [0x273, 'i8x16.sub_sat_u', I.none, 'vv>v'],
  [0x274, 'f64x2.ceil', I.none, 'v>v'],
  [0x275, 'f64x2.floor', I.none, 'v>v'],
  [0x276, 'i8x16.min_s', I.none, 'vv>v'],
  [0x277, 'i8x16.min_u', I.none, 'vv>v'],
  [0x278, 'i8x16.max_s', I.none, 'vv>v'],
  [0x279, 'i8x16.max_u', I.none, 'vv>v'],
  [0x27a, 'f64x2.trunc', I.none, 'v>v'],
  [0x27b, 'i8x16.avgr_u', I.none, 'vv>v'],
  [0x27c, 'i16x8.extadd_pairwise_i8x16_s', I.none, 'v>v'],
  [0x27d, 'i16x8.extadd_pairwise_i8x16_u', I.none, 'v>v'],
  [0x27e, 'i32x4.extadd_pairwise_i16x8_s', I.none, 'v>v'],
  [0x27f, 'i32x4.extadd_pairwise_i16x8_u', I.none, 'v>v'],
  [0x280, 'i16x8.abs', I.none, 'v>v'],
  [0x281, 'i16x8.neg', I.none, 'v>v'],
  [0x282, 'i16x8.q15mulr_sat_s', I.none, 'vv>v'],
  [0x283, 'i16x8.all_true', I.none, 'v>i'],
  [0x284, 'i16x8.bitmask', I.none, 'v>i'],
  [0x285, 'i16x8.narrow_i32x4_s', I.none, 'vv>v'],
  [0x286, 'i16x8.narrow_i32x4_u', I.none, 'vv>v'],
  [0x287, 'i16x8.extend_low_i8x16_s', I.none, 'v>v'],
  [0x288, 'i16x8.extend_high_i8x16_s', I.none, 'v>v'],
  [0x289, 'i16x8.extend_low_i8x16_u', I.none, 'v>v'],
  [0x28a, 'i16x8.extend_high_i8x16_u', I.none, 'v>v'],
  [0x28b, 'i16x8.shl', I.none, 'vi>v'],
  [0x28c, 'i16x8.shr_s', I.none, 'vi>v'],
  [0x28d, 'i16x8.shr_u', I.none, 'vi>v'],
  [0x28e, 'i16x8.add', I.none, 'vv>v'],
  [0x28f, 'i16x8.add_sat_s', I.none, 'vv>v'],
  [0x290, 'i16x8.add_sat_u', I.none, 'vv>v'],
  [0x291, 'i16x8.sub', I.none, 'vv>v'],
  [0x292, 'i16x8.sub_sat_s', I.none, 'vv>v'],
  [0x293, 'i16x8.sub_sat_u', I.none, 'vv>v'],
  [0x294, 'f64x2.nearest', I.none, 'v>v'],
  [0x295, 'i16x8.mul', I.none, 'vv>v'],
  [0x296, 'i16x8.min_s', I.none, 'vv>v'],
  [0x297, 'i16x8.min_u', I.none, 'vv>v'],
  [0x298, 'i16x8.max_s', I.none, 'vv>v'],
  [0x299, 'i16x8.max_u', I.none, 'vv>v'],
  [0x29b, 'i16x8.avgr_u', I.none, 'vv>v'],
  [0x29c, 'i16x8.extmul_low_i8x16_s', I.none, 'vv>v'],
  [0x29d, 'i16x8.extmul_high_i8x16_s', I.none, 'vv>v'],
  [0x29e, 'i16x8.extmul_low_i8x16_u', I.none, 'vv>v'],
  [0x29f, 'i16x8.extmul_high_i8x16_u', I.none, 'vv>v'],
  [0x2a0, 'i32x4.abs', I.none, 'v>v'],
  [0x2a1, 'i32x4.neg', I.none, 'v>v'],
  [0x2a3, 'i32x4.all_true', I.none, 'v>i'],
  [0x2a4, 'i32x4.bitmask', I.none, 'v>i'],
  [0x2a7, 'i32x4.extend_low_i16x8_s', I.none, 'v>v'],
  [0x2a8, 'i32x4.extend_high_i16x8_s', I.none, 'v>v'],
  [0x2a9, 'i32x4.extend_low_i16x8_u', I.none, 'v>v'],
  [0x2aa, 'i32x4.extend_high_i16x8_u', I.none, 'v>v'],
  [0x2ab, 'i32x4.shl', I.none, 'vi>v'],
  [0x2ac, 'i32x4.shr_s', I.none, 'vi>v'],
  [0x2ad, 'i32x4.shr_u', I.none, 'vi>v'],
  [0x2ae, 'i32x4.add', I.none, 'vv>v'],
  [0x2b1, 'i32x4.sub', I.none, 'vv>v'],
  [0x2b5, 'i32x4.mul', I.none, 'vv>v'],
  [0x2b6, 'i32x4.min_s', I.none, 'vv>v'],
  [0x2b7, 'i32x4.min_u', I.none, 'vv>v'],
  [0x2b8, 'i32x4.max_s', I.none, 'vv>v'],
  [0x2b9, 'i32x4.max_u', I.none, 'vv>v'],
  [0x2ba, 'i32x4.dot_i16x8_s', I.none, 'vv>v'],
  [0x2bc, 'i32x4.extmul_low_i16x8_s', I.none, 'vv>v'],
  [0x2bd, 'i32x4.extmul_high_i16x8_s', I.none, 'vv>v'],
  [0x2be, 'i32x4.extmul_low_i16x8_u', I.none, 'vv>v'],
  [0x2bf, 'i32x4.extmul_high_i16x8_u', I.none, 'vv>v'],
  [0x2c0, 'i64x2.abs', I.none, 'v>v'],
  [0x2c1, 'i64x2.neg', I.none, 'v>v'],
  [0x2c3, 'i64x2.all_true', I.none, 'v>i'],
  [0x2c4, 'i64x2.bitmask', I.none, 'v>i'],
  [0x2c7, 'i64x2.extend_low_i32x4_s', I.none, 'v>v'],
  [0x2c8, 'i64x2.extend_high_i32x4_s', I.none, 'v>v'],
  [0x2c9, 'i64x2.extend_low_i32x4_u', I.none, 'v>v'],
  [0x2ca, 'i64x2.extend_high_i32x4_u', I.none, 'v>v'],
  [0x2cb, 'i64x2.shl', I.none, 'vi>v'],
  [0x2cc, 'i64x2.shr_s', I.none, 'vi>v'],
  [0x2cd, 'i64x2.shr_u', I.none, 'vi>v'],
  [0x2ce, 'i64x2.add', I.none, 'vv>v'],
  [0x2d1, 'i64x2.sub', I.none, 'vv>v'],
  [0x2d5, 'i64x2.mul', I.none, 'vv>v'],
  [0x2d6, 'i64x2.eq', I.none, 'vv>v'],
  [0x2d7, 'i64x2.ne', I.none, 'vv>v'],
  [0x2d8, 'i64x2.lt_s', I.none, 'vv>v'],
  [0x2d9, 'i64x2.gt_s', I.none, 'vv>v'],
  [0x2da, 'i64x2.le_s', I.none, 'vv>v'],
  [0x2db, 'i64x2.ge_s', I.none, 'vv>v'],
  [0x2dc, 'i64x2.extmul_low_i32x4_s', I.none, 'vv>v'],
  [0x2dd, 'i64x2.extmul_high_i32x4_s', I.none, 'vv>v'],
  [0x2de, 'i64x2.extmul_low_i32x4_u', I.none, 'vv>v'],
  [0x2df, 'i64x2.extmul_high_i32x4_u', I.none, 'vv>v'],
  [0x2e0, 'f32x4.abs', I.none, 'v>v'],
  [0x2e1, 'f32x4.neg', I.none, 'v>v'],
  [0x2e3, 'f32x4.sqrt', I.none, 'v>v'],
  [0x2e4, 'f32x4.add', I.none, 'vv>v'],
  [0x2e5, 'f32x4.sub', I.none, 'vv>v'],
  [0x2e6, 'f32x4.mul', I.none, 'vv>v'],
  [0x2e7, 'f32x4.div', I.none, 'vv>v'],
  [0x2e8, 'f32x4.min', I.none, 'vv>v'],
  [0x2e9, 'f32x4.max', I.none, 'vv>v'],
  [0x2ea, 'f32x4.pmin', I.none, 'vv>v'],
  [0x2eb, 'f32x4.pmax', I.none, 'vv>v'],
  [0x2ec, 'f64x2.abs', I.none, 'v>v'],
  [0x2ed, 'f64x2.neg', I.none, 'v>v'],
  [0x2ef, 'f64x2.sqrt', I.none, 'v>v'],
  [0x2f0, 'f64x2.add', I.none, 'vv>v'],
  [0x2f1, 'f64x2.sub', I.none, 'vv>v'],
  [0x2f2, 'f64x2.mul', I.none, 'vv>v'],
  [0x2f3, 'f64x2.div', I.none, 'vv>v'],
  [0x2f4, 'f64x2.min', I.none, 'vv>v'],
  [0x2f5, 'f64x2.max', I.none, 'vv>v'],
  [0x2f6, 'f64x2.pmin', I.none, 'vv>v'],
  [0x2f7, 'f64x2.pmax', I.none, 'vv>v'],
  [0x2f8, 'i32x4.trunc_sat_f32x4_s', I.none, 'v>v'],
  [0x2f9, 'i32x4.trunc_sat_f32x4_u', I.none, 'v>v'],
  [0x2fa, 'f32x4.convert_i32x4_s', I.none, 'v>v'],
  [0x2fb, 'f32x4.convert_i32x4_u', I.none, 'v>v'],
  [0x2fc, 'i32x4.trunc_sat_f64x2_s_zero', I.none, 'v>v'],
  [0x2fd, 'i32x4.trunc_sat_f64x2_u_zero', I.none, 'v>v'],
  [0x2fe, 'f64x2.convert_low_i32x4_s', I.none, 'v>v'],
  [0x2ff, 'f64x2.convert_low_i32x4_u', I.none, 'v>v'],
  [0x300, 'i8x16.relaxed_swizzle', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x301, 'i32x4.relaxed_trunc_f32x4_s', I.none, 'v>v', -1, F.relaxedSimd],
  [0x302, 'i32x4.relaxed_trunc_f32x4_u', I.none, 'v>v', -1, F.relaxedSimd],
  [0x303, 'i32x4.relaxed_trunc_f64x2_s_zero', I.none, 'v>v', -1, F.relaxedSimd],
  [0x304, 'i32x4.relaxed_trunc_f64x2_u_zero', I.none, 'v>v', -1, F.relaxedSimd],
  [0x305, 'f32x4.relaxed_madd', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x306, 'f32x4.relaxed_nmadd', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x307, 'f64x2.relaxed_madd', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x308, 'f64x2.relaxed_nmadd', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x309, 'i8x16.relaxed_laneselect', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x30a, 'i16x8.relaxed_laneselect', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x30b, 'i32x4.relaxed_laneselect', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x30c, 'i64x2.relaxed_laneselect', I.none, 'vvv>v', -1, F.relaxedSimd],
  [0x30d, 'f32x4.relaxed_min', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x30e, 'f32x4.relaxed_max', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x30f, 'f64x2.relaxed_min', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x310, 'f64x2.relaxed_max', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x311, 'i16x8.relaxed_q15mulr_s', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x312, 'i16x8.relaxed_dot_i8x16_i7x16_s', I.none, 'vv>v', -1, F.relaxedSimd],
  [0x313, 'i32x4.relaxed_dot_i8x16_i7x16_add_s', I.none, 'vvv>v', -1, F.relaxedSimd],
  // ---- 0xFE prefix: threads (atomics) ----
  [0x400, 'memory.atomic.notify', I.memarg, 'ii>i', 2, F.threads],
  [0x401, 'memory.atomic.wait32', I.memarg, 'iiI>i', 2, F.threads],
  [0x402, 'memory.atomic.wait64', I.memarg, 'iII>i', 3, F.threads],
  [0x403, 'atomic.fence', I.fence, '>', -1, F.threads],
  [0x410, 'i32.atomic.load', I.memarg, 'i>i', 2, F.threads],
  [0x411, 'i64.atomic.load', I.memarg, 'i>I', 3, F.threads],
  [0x412, 'i32.atomic.load8_u', I.memarg, 'i>i', 0, F.threads],
  [0x413, 'i32.atomic.load16_u', I.memarg, 'i>i', 1, F.threads],
  [0x414, 'i64.atomic.load8_u', I.memarg, 'i>I', 0, F.threads],
  [0x415, 'i64.atomic.load16_u', I.memarg, 'i>I', 1, F.threads],
  [0x416, 'i64.atomic.load32_u', I.memarg, 'i>I', 2, F.threads],
  [0x417, 'i32.atomic.store', I.memarg, 'ii>', 2, F.threads],
  [0x418, 'i64.atomic.store', I.memarg, 'iI>', 3, F.threads],
  [0x419, 'i32.atomic.store8', I.memarg, 'ii>', 0, F.threads],
  [0x41a, 'i32.atomic.store16', I.memarg, 'ii>', 1, F.threads],
  [0x41b, 'i64.atomic.store8', I.memarg, 'iI>', 0, F.threads],
  [0x41c, 'i64.atomic.store16', I.memarg, 'iI>', 1, F.threads],
  [0x41d, 'i64.atomic.store32', I.memarg, 'iI>', 2, F.threads],
  [0x41e, 'i32.atomic.rmw.add', I.memarg, 'ii>i', 2, F.threads],
  [0x41f, 'i64.atomic.rmw.add', I.memarg, 'iI>I', 3, F.threads],
  [0x420, 'i32.atomic.rmw8.add_u', I.memarg, 'ii>i', 0, F.threads],
  [0x421, 'i32.atomic.rmw16.add_u', I.memarg, 'ii>i', 1, F.threads],
  [0x422, 'i64.atomic.rmw8.add_u', I.memarg, 'iI>I', 0, F.threads],
  [0x423, 'i64.atomic.rmw16.add_u', I.memarg, 'iI>I', 1, F.threads],
  [0x424, 'i64.atomic.rmw32.add_u', I.memarg, 'iI>I', 2, F.threads],
  [0x425, 'i32.atomic.rmw.sub', I.memarg, 'ii>i', 2, F.threads],
  [0x426, 'i64.atomic.rmw.sub', I.memarg, 'iI>I', 3, F.threads],
  [0x427, 'i32.atomic.rmw8.sub_u', I.memarg, 'ii>i', 0, F.threads],
  [0x428, 'i32.atomic.rmw16.sub_u', I.memarg, 'ii>i', 1, F.threads],
  [0x429, 'i64.atomic.rmw8.sub_u', I.memarg, 'iI>I', 0, F.threads],
  [0x42a, 'i64.atomic.rmw16.sub_u', I.memarg, 'iI>I', 1, F.threads],
  [0x42b, 'i64.atomic.rmw32.sub_u', I.memarg, 'iI>I', 2, F.threads],
  [0x42c, 'i32.atomic.rmw.and', I.memarg, 'ii>i', 2, F.threads],
  [0x42d, 'i64.atomic.rmw.and', I.memarg, 'iI>I', 3, F.threads],
  [0x42e, 'i32.atomic.rmw8.and_u', I.memarg, 'ii>i', 0, F.threads],
  [0x42f, 'i32.atomic.rmw16.and_u', I.memarg, 'ii>i', 1, F.threads],
  [0x430, 'i64.atomic.rmw8.and_u', I.memarg, 'iI>I', 0, F.threads],
  [0x431, 'i64.atomic.rmw16.and_u', I.memarg, 'iI>I', 1, F.threads],
  [0x432, 'i64.atomic.rmw32.and_u', I.memarg, 'iI>I', 2, F.threads],
  [0x433, 'i32.atomic.rmw.or', I.memarg, 'ii>i', 2, F.threads],
  [0x434, 'i64.atomic.rmw.or', I.memarg, 'iI>I', 3, F.threads],
  [0x435, 'i32.atomic.rmw8.or_u', I.memarg, 'ii>i', 0, F.threads],
  [0x436, 'i32.atomic.rmw16.or_u', I.memarg, 'ii>i', 1, F.threads],
  [0x437, 'i64.atomic.rmw8.or_u', I.memarg, 'iI>I', 0, F.threads],
  [0x438, 'i64.atomic.rmw16.or_u', I.memarg, 'iI>I', 1, F.threads],
  [0x439, 'i64.atomic.rmw32.or_u', I.memarg, 'iI>I', 2, F.threads],
  [0x43a, 'i32.atomic.rmw.xor', I.memarg, 'ii>i', 2, F.threads],
  [0x43b, 'i64.atomic.rmw.xor', I.memarg, 'iI>I', 3, F.threads],
  [0x43c, 'i32.atomic.rmw8.xor_u', I.memarg, 'ii>i', 0, F.threads],
  [0x43d, 'i32.atomic.rmw16.xor_u', I.memarg, 'ii>i', 1, F.threads],
  [0x43e, 'i64.atomic.rmw8.xor_u', I.memarg, 'iI>I', 0, F.threads],
  [0x43f, 'i64.atomic.rmw16.xor_u', I.memarg, 'iI>I', 1, F.threads],
  [0x440, 'i64.atomic.rmw32.xor_u', I.memarg, 'iI>I', 2, F.threads],
  [0x441, 'i32.atomic.rmw.xchg', I.memarg, 'ii>i', 2, F.threads],
  [0x442, 'i64.atomic.rmw.xchg', I.memarg, 'iI>I', 3, F.threads],
  [0x443, 'i32.atomic.rmw8.xchg_u', I.memarg, 'ii>i', 0, F.threads],
  [0x444, 'i32.atomic.rmw16.xchg_u', I.memarg, 'ii>i', 1, F.threads],
  [0x445, 'i64.atomic.rmw8.xchg_u', I.memarg, 'iI>I', 0, F.threads],
  [0x446, 'i64.atomic.rmw16.xchg_u', I.memarg, 'iI>I', 1, F.threads],
  [0x447, 'i64.atomic.rmw32.xchg_u', I.memarg, 'iI>I', 2, F.threads],
  [0x448, 'i32.atomic.rmw.cmpxchg', I.memarg, 'iii>i', 2, F.threads],
  [0x449, 'i64.atomic.rmw.cmpxchg', I.memarg, 'iII>I', 3, F.threads],
  [0x44a, 'i32.atomic.rmw8.cmpxchg_u', I.memarg, 'iii>i', 0, F.threads],
  [0x44b, 'i32.atomic.rmw16.cmpxchg_u', I.memarg, 'iii>i', 1, F.threads],
  [0x44c, 'i64.atomic.rmw8.cmpxchg_u', I.memarg, 'iII>I', 0, F.threads],
  [0x44d, 'i64.atomic.rmw16.cmpxchg_u', I.memarg, 'iII>I', 1, F.threads],
  [0x44e, 'i64.atomic.rmw32.cmpxchg_u', I.memarg, 'iII>I', 2, F.threads],] as const;

type Row = (typeof OPS)[number];
type JsName<S extends string> = S extends `${infer A}.${infer B}` ? `${A}_${JsName<B>}` : S;
type OpKey = Exclude<JsName<Row[1]>, 'select'> | 'select' | 'select_t';

export interface OpInfo {
  /** Dense id (see the file comment). */
  readonly id: number;
  /** The spec's text-format name, e.g. `i32.add`. */
  readonly name: string;
  readonly imm: ImmKind;
  /** Stack signature (see the table's comment), or '' when typing depends on immediates or context. */
  readonly sig: string;
  /** log2 of the natural alignment of a memory access; -1 when the instruction is not one. */
  readonly align: number;
  readonly feature: FeatureName;
}

/** Size of the dense id space: every opcode id is below this. */
export const OP_ID_LIMIT = 0x500;

const byId: (OpInfo | undefined)[] = new Array(OP_ID_LIMIT).fill(undefined);
const ids: Record<string, number> = {};
// This loop runs in every CLI start, before any JIT, so it does the least it can: indexed reads (array
// destructuring runs the iterator protocol), plain records (they are readonly by type), a string
// replaceAll rather than a regex, and no name index (`opByName` builds it on first use). ~3.3 -> ~1.2
// ms of a hello-world `wasmbox run`.
const rows = OPS as readonly (readonly [number, string, ImmKind, string?, number?, FeatureName?])[];
for (let r = 0; r < rows.length; r++) {
  const row = rows[r]!;
  const n = row.length;
  const id = row[0];
  const name = row[1];
  const info: OpInfo = { id, name, imm: row[2], sig: n > 3 ? row[3]! : '', align: n > 4 ? row[4]! : -1, feature: n > 5 ? row[5]! : F.core };
  byId[id] = info;
  ids[id === 0x1c ? 'select_t' : name.replaceAll('.', '_')] = id;
}

/**
 * Opcode ids by name: `Op.i32_add`, `Op.local_get`, `Op.v128_const`, `Op.select_t`.
 * A copy made by spreading: `ids`, grown one computed key at a time to 532 properties, is in V8's
 * dictionary mode, where every `Op.x` in a hot `switch` is a hash lookup (~8 ns against ~1 ns); the
 * spread copy gets fast properties, and freezing keeps them.
 */
export const Op = Object.freeze({ ...ids }) as Readonly<Record<OpKey, number>>;

/** Every known instruction, ordered by id. */
export const allOps: readonly OpInfo[] = byId.filter((x): x is OpInfo => x !== undefined);

/** The record for an opcode id, or undefined when the id is no instruction. */
export function opInfo(id: number): OpInfo | undefined {
  return byId[id];
}

/** The spec name of an opcode id, or `unknown 0x…` for ids that are no instruction. */
export function opName(id: number): string {
  const info = byId[id];
  return info ? info.name : `unknown 0x${id.toString(16)}`;
}

let byName: Map<string, OpInfo> | null = null;

/** Reverse lookup by the spec's text name (`select` gives the untyped form). */
export function opByName(name: string): OpInfo | undefined {
  if (byName === null) {
    byName = new Map();
    for (const info of allOps) if (!byName.has(info.name)) byName.set(info.name, info); // ids ascend: `select` is 0x1b
  }
  return byName.get(name);
}

/** Splits a dense id into its prefix byte (0 for none) and the opcode after the prefix. */
export function opPrefix(id: number): [prefix: number, sub: number] {
  if (id < 0x100) return [0, id];
  if (id < 0x200) return [0xfc, id - 0x100];
  if (id < 0x400) return [0xfd, id - 0x200];
  return [0xfe, id - 0x400];
}
