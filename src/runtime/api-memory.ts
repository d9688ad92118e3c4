// The public Memory view over a MemoryInst: bounds-checked, little-endian accessors. Views are
// rebuilt when the memory's buffer changes (after growth), never cached across growth.

import type { Memory } from '../api/types.js';
import type { MemoryInst } from './store.js';

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

export class MemoryView implements Memory {
  readonly inst: MemoryInst;
  private buf: ArrayBuffer | null = null;
  private dv: DataView | null = null;
  private u8: Uint8Array | null = null;

  constructor(inst: MemoryInst) {
    this.inst = inst;
  }

  /** Views of exactly the memory (the buffer may be longer: see MemoryInst). */
  private refresh(): void {
    const b = this.inst.buffer;
    const n = this.inst.byteLength;
    if (b !== this.buf || n !== this.u8!.length) {
      this.buf = b;
      this.dv = new DataView(b, 0, n);
      this.u8 = new Uint8Array(b, 0, n);
    }
  }

  /** Checks [offset, offset+n) lies inside the memory, then returns the DataView. */
  private at(offset: number, n: number): DataView {
    this.refresh();
    const size = this.u8!.length;
    if (!Number.isInteger(offset) || offset < 0 || offset + n > size) {
      throw new RangeError(`out of bounds memory access: ${n} bytes at offset ${offset} (memory size ${size})`);
    }
    return this.dv!;
  }

  size(): number {
    return this.inst.byteLength;
  }
  grow(deltaPages: number): number {
    return this.inst.grow(deltaPages);
  }
  buffer(): ArrayBuffer {
    return this.inst.buffer;
  }
  bytes(): Uint8Array {
    this.refresh();
    return this.u8!;
  }
  pages(): number {
    return this.inst.pages;
  }

  readByte(offset: number): number {
    return this.at(offset, 1).getUint8(offset);
  }
  readUint16Le(offset: number): number {
    return this.at(offset, 2).getUint16(offset, true);
  }
  readUint32Le(offset: number): number {
    return this.at(offset, 4).getUint32(offset, true);
  }
  readUint64Le(offset: number): bigint {
    return this.at(offset, 8).getBigUint64(offset, true);
  }
  readFloat32Le(offset: number): number {
    return this.at(offset, 4).getFloat32(offset, true);
  }
  readFloat64Le(offset: number): number {
    return this.at(offset, 8).getFloat64(offset, true);
  }
  read(offset: number, length: number): Uint8Array {
    this.at(offset, length);
    return this.u8!.slice(offset, offset + length);
  }
  readString(offset: number, length: number): string {
    this.at(offset, length);
    return utf8Decoder.decode(this.u8!.subarray(offset, offset + length));
  }

  writeByte(offset: number, v: number): void {
    this.at(offset, 1).setUint8(offset, v);
  }
  writeUint16Le(offset: number, v: number): void {
    this.at(offset, 2).setUint16(offset, v, true);
  }
  writeUint32Le(offset: number, v: number): void {
    this.at(offset, 4).setUint32(offset, v, true);
  }
  writeUint64Le(offset: number, v: bigint): void {
    this.at(offset, 8).setBigUint64(offset, BigInt.asUintN(64, v), true);
  }
  writeFloat32Le(offset: number, v: number): void {
    this.at(offset, 4).setFloat32(offset, v, true);
  }
  writeFloat64Le(offset: number, v: number): void {
    this.at(offset, 8).setFloat64(offset, v, true);
  }
  write(offset: number, bytes: Uint8Array): void {
    this.at(offset, bytes.length);
    this.u8!.set(bytes, offset);
  }
  writeString(offset: number, s: string): number {
    const bytes = utf8Encoder.encode(s);
    this.write(offset, bytes);
    return bytes.length;
  }
}
