// Lowering, part 2 of 3: memory accesses and the superinstructions chosen by looking back at the
// instructions just emitted (address folding, scaled indexes, loads fused into their consumer,
// shifted operands, f64 multiply-add). See lower.ts for the design.

import type { InstrReader } from '../../binary/instr.js';
import { Op as W } from '../../binary/opcodes.js';
import { F64, I32, I64, K_ADDK, K_CONST, K_LOCAL, K_SLOT, LOADS, LowerBase, SHIFT_CODE, STORES, opLength } from './lower-base.js';
import { rolesAt } from './lower-moves.js';
import { Op } from './ops.js';

/** Instructions that write memory or trap other than out of bounds (fuseAccumulate may not pass them). */
const STORE_OR_DIV = new Set<number>([Op.store32, Op.store64, Op.storef64, Op.store8, Op.store16, Op.store32_v, Op.store8_v,
  Op.store16_v, Op.i32_div_s, Op.i32_div_u, Op.i32_rem_s, Op.i32_rem_u, Op.i64_div_s, Op.i64_div_u, Op.i64_rem_s, Op.i64_rem_u]);

/**
 * Bytes a load (op `load`) and a store (op `store`) of its value copy unchanged, or 0 when the pair
 * changes the value (a sign extension is invisible to the narrow store of the same width).
 */
function copyWidth(load: number, store: number): number {
  if (store === Op.store64) return load === Op.load64 ? 8 : 0;
  if (store === Op.storef64) return load === Op.loadf64 ? 8 : 0;
  if (store === Op.store32) return load === Op.load32 ? 4 : 0;
  if (store === Op.store16) return load === Op.load16_u || load === Op.load16_s ? 2 : 0;
  if (store === Op.store8) return load === Op.load8_u || load === Op.load8_s ? 1 : 0;
  return 0;
}

/** Memory access and superinstruction selection. */
export abstract class LowerFuse extends LowerBase {
  /** The operands after the destination of the instruction takeBackBinary took back last. */
  protected taken: number[] = [];

  /**
   * After the `i32.add` just emitted got local slot x as its destination: when it is `x = x + b` and
   * the instruction before it stores a constant byte at x (`p[0] = 1; p += step`), both become one
   * store8_v_inc. The store's bounds check still comes first.
   */
  protected fusePostInc(x: number): void {
    const c = this.code;
    const s = this.lastStart;
    const p = this.prevStart;
    if (!this.opt || s < 0 || p < 0 || p + 5 !== s || s + 4 !== c.length || c[s] !== Op.i32_add || c[s + 1] !== x ||
        c[s + 2] !== x || c[p] !== Op.store8_v || c[p + 1] !== x) return;
    const b = c[s + 3]!;
    c.length = s;
    if (this.starts[this.starts.length - 1] === s) this.starts.pop();
    c[p] = Op.store8_v_inc;
    c.push(b);
    opLength[Op.store8_v_inc] = 6;
    this.lastStart = p;
    this.prevStart = -1;
    this.lastDstAt = -1;
  }

  /** A load or store (wasm op `op`); false when op is neither. */
  protected memAccess(op: number, ir: InstrReader): boolean {
    const load = LOADS.get(op);
    if (load !== undefined) {
      if (this.fastMemory(ir) && (load[0] === Op.load32 || load[0] === Op.loadf64)) {
        if (this.fuseAddLoad(load[0], load[1], ir.offset)) return true;
        const top = this.len - 1;
        const vk = this.vk[top];
        if (this.opt && (this.lastFeeds(Op.i32_shl_k) || (vk === K_ADDK && this.vl[top] === -1 && this.lastStart >= 0 &&
            this.code[this.lastStart] === Op.i32_shl_k && this.lastDstAt === this.lastStart + 1 && this.code[this.lastDstAt] === this.vv[top]))) {
          // the shifted index (plus maybe a constant: a table's base) is a temporary only the load
          // reads: scale it in the load
          const c = this.code;
          const s = this.lastStart;
          const a = c[s + 2]!;
          const sh = c[s + 3]! & 31;
          const k = vk === K_ADDK ? this.vh[top]! : 0;
          this.dropLast();
          this.len--;
          this.emitD(load[0] === Op.load32 ? Op.load32_x : Op.loadf64_x, this.push(load[1]), a, sh, ir.offset, k);
          return true;
        }
      }
      if (this.opt && this.fastMemory(ir) && (load[0] === Op.load32 || load[0] === Op.load8_u) && this.fuseSumLoad(load[0], load[1], ir.offset)) {
        return true;
      }
      if (this.fastMemory(ir)) {
        const [a, k] = this.address(this.len - 1);
        const d = this.push(load[1]);
        this.emitD(load[0], d, a, ir.offset, k);
      } else {
        const a = this.pop();
        this.memSlow(op, this.push(load[1]), a, 0, ir);
      }
      return true;
    }
    const store = STORES.get(op);
    if (store !== undefined) {
      if (this.fastMemory(ir)) {
        // the value may be a local or constant (nothing emitted for it): then the address computation
        // can still be the last instruction
        const fold = this.vk[this.len - 1] !== K_SLOT && this.isAddK(this.len - 2);
        let a: number;
        let k = 0;
        let v: number;
        const top = this.len - 1;
        const n = this.opt && this.lastFeeds() ? copyWidth(this.code[this.lastStart]!, store) : 0;
        if (n > 0) {
          // the value is the load just emitted, into a temporary nothing else reads: copy memory to
          // memory (the load's bounds check still comes first, as its trap must)
          const c = this.code;
          const s = this.lastStart;
          const sa = c[s + 2]!;
          const soff = c[s + 3]!;
          const sk = c[s + 4]!;
          this.dropLast();
          this.len--;
          [a, k] = this.address(this.len - 1);
          this.emit(Op.copy_mm, n, sa, soff, sk, a, ir.offset, k);
          return true;
        }
        if (this.opt && store === Op.storef64 && this.fuseStoreF64(ir.offset)) return true;
        if (this.opt && store === Op.store32 && this.lastFeeds(Op.i32_shsh) && this.vk[top - 1] !== K_CONST) {
          // the funnel shift just emitted into a temporary only this store reads: shift and store in one
          // (its operands x k1 y k2 kind are kept; the address takes the destination's place)
          const c = this.code;
          const s = this.lastStart;
          // (prevStart is lost when the shift itself was fused from two: use the starts list)
          const st = this.starts;
          const p = st.length >= 2 && st[st.length - 1] === s ? st[st.length - 2]! : -1;
          const ops = c.slice(s + 2, s + 7);
          this.dropLast();
          this.len--;
          const before = c.length;
          [a, k] = this.address(this.len - 1);
          if (p >= 0 && p + 5 === s && c[p] === Op.load32 && c.length === before) {
            // and the i32.load just before the shift (its value kept for later): all three in one, in order
            const load = c.slice(p + 1, p + 5);
            this.lastStart = p;
            this.dropLast();
            this.emit(Op.store32_shsh_l, a, ...ops, ir.offset, k, ...load);
            return true;
          }
          this.emit(Op.store32_shsh, a, ...ops, ir.offset, k);
          return true;
        }
        const constForm = store === Op.store32 ? Op.store32_v : store === Op.store8 ? Op.store8_v : store === Op.store16 ? Op.store16_v : -1;
        if (this.opt && constForm >= 0 && this.vk[top] === K_CONST) {
          // a constant value goes into the instruction (i32/f32 bits, or an i64's low word)
          const imm = this.vv[top]!;
          this.len--;
          [a, k] = this.address(this.len - 1);
          this.emit(constForm as Op, a, imm, ir.offset, k);
          return true;
        }
        if (this.opt && this.vk[top - 1] === K_ADDK) {
          // the address is a lazy x + k: fold it (the value, computed above it, cannot change x)
          v = this.operand(top);
          a = this.vv[top - 1]!;
          k = this.vh[top - 1]!;
          this.len -= 2;
        } else if (fold) {
          // the add's only source is a local or the address entry's own slot; a constant value is
          // written to its own slot, above both
          [a, k] = this.takeAddK();
          v = this.operand(this.len - 1);
          this.len -= 2;
        } else {
          v = this.pop();
          a = this.pop();
        }
        this.emit(store, a, v, ir.offset, k);
      } else {
        const v = this.pop();
        const a = this.pop();
        this.memSlow(op, 0, a, v, ir);
      }
      return true;
    }
    return false;
  }

  /**
   * Replaces the top entry (an i32) with `top + kv`, lazily (an ADDK entry) when opt; false when the
   * caller must emit the addition itself.
   */
  protected pushAddK(kv: number): boolean {
    if (!this.opt) return false;
    const i = this.len - 1;
    const k = this.vk[i]!;
    if (k === K_CONST) {
      this.vv[i] = (this.vv[i]! + kv) | 0;
      this.vt[i] = I32;
      return true;
    }
    let src: number;
    let local = -1;
    if (k === K_LOCAL) {
      local = this.vv[i]!;
      src = this.localPos[local]!;
    } else if (k === K_SLOT) src = this.vp[i]!;
    else {
      src = this.vv[i]!;
      local = this.vl[i]!;
      kv = (kv + this.vh[i]!) | 0;
    }
    this.len--;
    this.pushEntry(K_ADDK, I32, src, kv);
    this.vl[i] = local;
    return true;
  }

  /**
   * Pops the address operand (entry i, the top) of a memory access: when it was computed by the
   * instruction just emitted as `x + k` (i32_add_k), that instruction is dropped and [x, k] returned,
   * else [slot, 0].
   */
  protected isAddK(i: number): boolean {
    return this.opt && i >= 0 && this.lastFeeds(Op.i32_add_k, i);
  }

  /**
   * A load whose address is a local the instruction just emitted computed as a sum (i32.add or an
   * i32.add with an immediate, rewritten to write the local by local.tee): both in one instruction,
   * which still writes the local.
   */
  protected fuseAddLoad(op: Op, t: number, offset: number): boolean {
    const top = this.len - 1;
    if (!this.opt || this.lastStart < 0 || this.lastDstAt !== this.lastStart + 1 || this.vk[top] !== K_LOCAL) return false;
    const c = this.code;
    const s = this.lastStart;
    const add = c[s]!;
    if ((add !== Op.i32_add && add !== Op.i32_add_k) || c[s + 1] !== this.localPos[this.vv[top]!]) return false;
    const dst = c[s + 1]!;
    const a = c[s + 2]!;
    const b = c[s + 3]!;
    this.dropLast();
    this.len--;
    const k = add === Op.i32_add_k;
    const fused = op === Op.load32 ? (k ? Op.load32_addk : Op.load32_add) : k ? Op.loadf64_addk : Op.loadf64_add;
    this.emitD(fused, this.push(t), dst, a, b, offset);
    return true;
  }

  /**
   * A load whose address the i32.add just emitted computed into a temporary (the top entry, read by
   * nothing else): the sum moves into the load (load32_rr, load8_u_rr).
   */
  private fuseSumLoad(op: Op, t: number, offset: number): boolean {
    if (!this.lastFeeds(Op.i32_add)) return false;
    const c = this.code;
    const s = this.lastStart;
    const a = c[s + 2]!;
    const b = c[s + 3]!;
    this.dropLast();
    this.len--;
    this.emitD(op === Op.load32 ? Op.load32_rr : Op.load8_u_rr, this.push(t), a, b, offset);
    return true;
  }

  /** add/xor/or/and whose operand the rotl/shl/shr by a constant just emitted computed: i32_binsh. */
  protected fuseShifted(op: number): boolean {
    if (!this.opt || this.lastStart < 0 || this.lastDstAt !== this.lastStart + 1) return false;
    const c = this.code;
    const s = this.lastStart;
    const shOp = c[s]!;
    const shift = SHIFT_CODE.get(shOp) ?? -1;
    if (shift < 0) return false;
    const top = this.len - 1;
    const r = c[this.lastDstAt]!;
    let shTop: boolean;
    if (this.vk[top] === K_SLOT && this.vp[top] === r) shTop = true;
    else if (this.vk[top] === K_LOCAL && this.vk[top - 1] === K_SLOT && this.vp[top - 1] === r) shTop = false;
    else return false;
    const x = c[s + 2]!;
    const k = c[s + 3]! & 31;
    const bin = op === W.i32_add ? 0 : op === W.i32_xor ? 1 : op === W.i32_or ? 2 : 3;
    const p = this.prevStart;
    const shift1 = !shTop || p < 0 || p + 4 !== s ? -1 : SHIFT_CODE.get(c[p]!) ?? -1;
    if (shift1 >= 0 && this.vk[top - 1] === K_SLOT && this.vp[top - 1] === c[p + 1] && c[p + 1] !== x) {
      // the other operand is a shift just before this one, into the temporary below: shift both here
      // (the temporary is read by nothing else: it is the stack entry this instruction consumes)
      const x1 = c[p + 2]!;
      const k1 = c[p + 3]! & 31;
      c.length = p;
      this.lastStart = -1;
      this.lastDstAt = -1;
      this.prevStart = -1;
      this.len -= 2;
      this.emitD(Op.i32_shsh, this.push(I32), x1, k1, x, k, bin * 16 + shift1 * 4 + shift);
      return true;
    }
    this.dropLast();
    let a: number;
    if (shTop) {
      this.len--;
      a = this.pop();
    } else {
      a = this.pop();
      this.len--;
    }
    this.emitD(Op.i32_binsh, this.push(I32), a, x, k, bin * 4 + shift);
    return true;
  }

  /** Removes the i32_add_k just emitted (see isAddK) and returns its [source slot, immediate]. */
  protected takeAddK(): [number, number] {
    const c = this.code;
    const s = this.lastStart;
    const res: [number, number] = [c[s + 2]!, c[s + 3]!];
    this.dropLast();
    return res;
  }

  protected address(i: number): [number, number] {
    if (this.vk[i] === K_ADDK) {
      this.len--;
      return [this.vv[i]!, this.vh[i]!];
    }
    if (this.isAddK(i)) {
      const res = this.takeAddK();
      this.len--;
      return res;
    }
    return [this.pop(), 0];
  }

  /**
   * Takes back the binary instruction just emitted (opcode `producer`, operands at +2 and +3) when its
   * result is one of the top two entries and the other entry is a slot or a local read: removes the
   * instruction and both entries. Returns [its first operand, its second operand, the other entry's
   * slot, whether its result was on top, its third operand (0 if it has none)], or null when the pattern does not apply. (A constant on top
   * would be written to its own slot, which may be the producer's second operand's.)
   */
  protected takeBackBinary(producer: Op): [number, number, number, boolean, number] | null {
    if (!this.opt || this.lastStart < 0 || this.code[this.lastStart] !== producer || this.lastDstAt !== this.lastStart + 1) return null;
    const top = this.len - 1;
    const r = this.code[this.lastDstAt]!;
    let onTop: boolean;
    if (this.vk[top] === K_SLOT && this.vp[top] === r) onTop = true;
    else if (this.vk[top] === K_LOCAL && this.vk[top - 1] === K_SLOT && this.vp[top - 1] === r) onTop = false;
    else return null;
    const c = this.code;
    const s = this.lastStart;
    const x = c[s + 2]!;
    const y = c[s + 3]!;
    const z = c[s + 4] ?? 0;
    this.taken = c.slice(s + 2);
    this.dropLast();
    let other: number;
    if (onTop) {
      this.len--;
      other = this.pop();
    } else {
      other = this.pop();
      this.len--;
    }
    return [x, y, other, onTop, z];
  }

  /**
   * f64.add/sub whose operand was computed by the f64.mul just emitted: replaces the pair with one
   * fused instruction. Returns false when the pattern does not apply.
   */
  protected fuseMulAdd(op: number): boolean {
    const t = this.takeBackBinary(Op.f64_mul);
    if (t === null) return false;
    const [x, y, other, mulIsTop] = t;
    const d = this.push(F64);
    let fused: Op;
    if (op === W.f64_add) fused = Op.f64_muladd;
    else fused = mulIsTop ? Op.f64_submul : Op.f64_mulsub; // c - a*b  /  a*b - c
    this.emitD(fused, d, x, y, other);
    return true;
  }

  /**
   * f64.add/sub/mul with an operand loaded by the f64.load just emitted: the load becomes the fused
   * instruction's memory operand. The other operand must already be in place (a slot below, or a local
   * on top: a constant on top would be materialised after the access's address was computed).
   */
  protected fuseLoadOp(op: number): boolean {
    const t = this.takeBackBinary(Op.loadf64);
    if (t === null) return false;
    const [a, off, x, memTop, k] = t;
    let fused: Op;
    if (op === W.f64_add) fused = Op.f64_addm;
    else if (op === W.f64_mul) fused = Op.f64_mulm;
    else fused = memTop ? Op.f64_subm : Op.f64_rsubm;
    this.emitD(fused, this.push(F64), x, a, off, k);
    return true;
  }

  /**
   * An i64.mul by the constant lo:hi whose other operand the i64.rotl by a constant just emitted
   * computed (the top entry): both in one i64_rotlmul_k, which still writes the rotation's destination,
   * so this also applies when that is a local (`local.tee` of the rotation, kept for later).
   */
  protected fuseRotlMul(lo: number, hi: number): boolean {
    const top = this.len - 1;
    if (!this.opt || this.lastStart < 0 || this.code[this.lastStart] !== Op.i64_rotl_k || this.lastDstAt !== this.lastStart + 1) return false;
    const r = this.code[this.lastDstAt]!;
    if (!(this.vk[top] === K_SLOT && this.vp[top] === r) && !(this.vk[top] === K_LOCAL && this.localPos[this.vv[top]!] === r)) return false;
    const c = this.code;
    const s = this.lastStart;
    const a = c[s + 2]!;
    const n = c[s + 3]!;
    this.dropLast();
    this.len--;
    this.emitD(Op.i64_rotlmul_k, this.push(I64), a, lo, hi, n, r);
    return true;
  }

  /**
   * An f64.store whose value the f64 add/sub/mul or fused multiply-add just emitted computed into a
   * temporary (the top entry; only the store reads it): the arithmetic moves into the store. The address
   * entry below must need no instruction of its own (a constant would be written to its slot after the
   * arithmetic's operands were read, which is harmless, but keeps the pattern simple to check).
   */
  private fuseStoreF64(offset: number): boolean {
    const top = this.len - 1;
    if (!this.lastFeeds() || this.vk[top - 1] === K_CONST) return false;
    const c = this.code;
    const s = this.lastStart;
    const kind = c[s]!;
    if (kind === Op.f64_addm || kind === Op.f64_subm || kind === Op.f64_rsubm || kind === Op.f64_mulm) {
      // an update in place when the memory operand is the address stored to (same slot, k and offset;
      // nothing ran in between that could change the slot)
      const i = top - 1;
      const vk = this.vk[i];
      const slot = vk === K_ADDK ? this.vv[i] : vk === K_LOCAL ? this.localPos[this.vv[i]!] : vk === K_SLOT ? this.vp[i] : -1;
      const k = vk === K_ADDK ? this.vh[i] : 0;
      if (slot !== c[s + 3] || k !== c[s + 5] || offset !== c[s + 4]) return false;
      const x = c[s + 2]!;
      this.dropLast();
      this.len -= 2;
      this.emit(Op.storef64_rmw, kind, slot!, offset, k!, x);
      return true;
    }
    const fma = kind === Op.f64_muladd || kind === Op.f64_mulsub || kind === Op.f64_submul;
    if (!fma && kind !== Op.f64_add && kind !== Op.f64_sub && kind !== Op.f64_mul) return false;
    const x = c[s + 2]!;
    const y = c[s + 3]!;
    const z = c[s + 4]!;
    this.dropLast();
    this.len--;
    const [a, k] = this.address(this.len - 1);
    if (k === 0 && (kind === Op.f64_muladd ? this.fuseAccumulate(a, offset, z, x, y) :
      kind === Op.f64_add && (this.fuseAccumulate(a, offset, x, y, -1) || this.fuseAccumulate(a, offset, y, x, -1)))) return true;
    if (fma) this.emit(Op.storef64_fma, kind, a, offset, k, x, y, z);
    else this.emit(Op.storef64_bin, kind, a, offset, k, x, y);
    return true;
  }

  /**
   * An f64.store to local t + offset of m + x * y (y >= 0) or m + x, where m is a temporary loaded from
   * that same address by an earlier loadf64_add/_addk of this straight-line stretch (which computed t):
   * the load goes, and one storef64_acc computes t, loads, adds and stores (`c[j] += a * b[j]`, with
   * b[j] loaded between). The instructions between must be ones whose slots are known (lower-moves.ts)
   * that neither read nor write t nor write the address's operands, and that do not store (the old value
   * would change) or trap other than out of bounds (a trap of the load, now later, must stay first).
   */
  private fuseAccumulate(t: number, offset: number, m: number, x: number, y: number): boolean {
    const c = this.code;
    const st = this.starts;
    const written = new Set<number>();
    let end = c.length;
    for (let i = st.length - 1; i >= 0 && i >= st.length - 16; i--) {
      const s = st[i]!;
      const op = c[s]!;
      if ((op === Op.loadf64_add || op === Op.loadf64_addk) && s + 6 === end && c[s + 1] === m) {
        const kbit = op === Op.loadf64_addk ? 1 : 0;
        if (c[s + 2] !== t || c[s + 5] !== offset || written.has(c[s + 3]!) || (kbit === 0 && written.has(c[s + 4]!))) return false;
        const a = c[s + 3]!;
        const b = c[s + 4]!;
        c.splice(s, 6);
        st.splice(i, 1);
        for (let j = i; j < st.length; j++) st[j]! -= 6;
        this.lastStart = -1;
        this.prevStart = -1;
        this.lastDstAt = -1;
        this.tailStart = -1;
        this.tailPrev = -1;
        this.emit(Op.storef64_acc, kbit | (y >= 0 ? 2 : 0), t, a, b, offset, x, y >= 0 ? y : 0);
        return true;
      }
      const ro = rolesAt(c, s, end);
      if (ro === null || STORE_OR_DIV.has(op)) return false;
      for (const w of ro.w) {
        if (c[s + w] === t || c[s + w] === m) return false;
        written.add(c[s + w]!);
      }
      for (const r of ro.r) if (c[s + r] === t) return false;
      end = s;
    }
    return false;
  }

  /**
   * An i64.mul by the constant lo:hi whose other operand the i64.load just emitted loaded into a
   * temporary (the top entry): the load becomes the multiplication's memory operand, i64_mulm_k.
   */
  protected fuseLoadMulK(lo: number, hi: number): boolean {
    if (!this.opt || !this.lastFeeds(Op.load64)) return false;
    const c = this.code;
    const s = this.lastStart;
    const a = c[s + 2]!;
    const off = c[s + 3]!;
    const k = c[s + 4]!;
    this.dropLast();
    this.len--;
    this.emitD(Op.i64_mulm_k, this.push(I64), a, off, k, lo, hi);
    return true;
  }

  protected fastMemory(ir: InstrReader): boolean {
    return ir.memory === 0 && !this.ctx.memory64[0] && ir.offset <= 0x7fffffff;
  }

  protected memSlow(op: number, d: number, a: number, b: number, ir: InstrReader): void {
    const off = ir.offset;
    this.emitRare(Op.mem_slow, op, d, a, b, off % 0x100000000 | 0, Math.floor(off / 0x100000000), ir.memory);
  }
}
