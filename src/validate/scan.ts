// A decode-only walk over function bodies, used on the error path alone.
//
// The spec's reference interpreter decodes the whole module before validating any of it, so when a
// module is both malformed (bad bytes in some body) and invalid (e.g. a type error in an earlier
// body), it reports "malformed". wasmbox decodes and validates bodies in a single pass, which would
// meet the type error first. Before reporting an invalid module, `validateModule` therefore runs this
// scan; a malformed body found here wins. Valid modules never pay for it.

import { CompileError } from '../api/errors.js';
import { InstrReader } from '../binary/instr.js';
import { Op, opName } from '../binary/opcodes.js';
import { Reader } from '../binary/reader.js';
import type { Module } from '../binary/types.js';
import { Cls, opClasses } from './tables.js';

// What kind of construct an open frame is, as far as the structure of the bytes goes.
const Frame = { block: 0, if: 1, else: 2, try: 3, catch: 4, catchAll: 5 } as const;
type Frame = (typeof Frame)[keyof typeof Frame];

/** Throws the first malformed-body error of the module, if there is one. */
export function scanBodiesForMalformed(m: Module, features: number, importedFuncs: number): void {
  const cls = opClasses(features);
  for (let i = 0; i < m.codes.length; i++) {
    const code = m.codes[i]!;
    const base = code.offset >= 0 ? code.offset : 0;
    const where = `code section, function ${importedFuncs + i} (defined #${i})`;
    const r = new Reader(code.body);
    const ir = new InstrReader(r, features);
    let own: CompileError | null = null;
    const fail = (reason: string): CompileError =>
      (own = new CompileError('malformed', reason, `${where}, in ${opName(ir.op)}`, ir.start + base));
    try {
      const frames: Frame[] = [Frame.block];
      while (frames.length > 0) {
        ir.read();
        const op = ir.op;
        if (cls[op] === Cls.disabled) throw fail('illegal opcode');
        const top = frames[frames.length - 1]!;
        switch (op) {
          case Op.block:
          case Op.loop:
            frames.push(Frame.block);
            break;
          case Op.if:
            frames.push(Frame.if);
            break;
          case Op.try:
            frames.push(Frame.try);
            break;
          case Op.else:
            if (top !== Frame.if) throw fail('END opcode expected');
            frames[frames.length - 1] = Frame.else;
            break;
          case Op.catch:
            if (top !== Frame.try && top !== Frame.catch) throw fail('END opcode expected');
            frames[frames.length - 1] = Frame.catch;
            break;
          case Op.catch_all:
            if (top !== Frame.try && top !== Frame.catch) throw fail('END opcode expected');
            frames[frames.length - 1] = Frame.catchAll;
            break;
          case Op.delegate:
            if (top !== Frame.try) throw fail('END opcode expected');
            frames.pop();
            break;
          case Op.end:
            frames.pop();
            break;
          case Op.memory_init:
          case Op.data_drop:
            // As in the validator (code.ts): an index beyond every segment is reported as invalid.
            if (m.dataCount === null && ir.index < m.datas.length) throw fail('data count section required');
            break;
        }
      }
      if (!r.eof) {
        throw (own = new CompileError('malformed', 'section size mismatch: bytes after the end of the function', where, r.pos + base));
      }
    } catch (e) {
      // The reader's own errors have body-relative offsets and no location yet.
      if (e instanceof CompileError && e !== own) {
        throw new CompileError(e.kind, e.reason, where, e.offset >= 0 ? e.offset + base : -1);
      }
      throw e;
    }
  }
}
