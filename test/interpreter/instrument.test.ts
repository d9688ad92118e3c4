// Instrumentation points (for fuel and interrupts): with CompileOptions.instrument set, the
// interpreter counts one unit per function entry and per loop-header execution (back-edges included),
// exactly where the compiler engine counts; without it the lowered code has no `fuel` instruction.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Trap, TrapCode } from '../../src/index.js';
import { decodeModule } from '../../src/binary/decode.js';
import { InterpModule } from '../../src/engine/interpreter/index.js';
import type { FuncInst } from '../../src/runtime/store.js';
import { wat, watUnavailable } from './helpers.js';

function compile(text: string, fuel: boolean): InterpModule {
  const bytes = wat(text);
  const m = decodeModule(bytes, { features: 0 });
  return new InterpModule(m, {
    bytes, features: 0, name: '', callStackLimit: 1000, memoryLimitPages: 100, instrument: { fuel, interrupt: false },
  });
}

const program = `(module
  (func $g)
  (func (export "f") (param i32) (local i32)
    (loop $l
      (call $g)
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))`;

describe('interpreter: instrumentation points', { skip: watUnavailable() ?? undefined }, () => {
  it('counts function entries and loop headers', () => {
    const em = compile(program, true);
    const inst = em.instantiate([], { name: 'm', sys: null });
    const f = inst.exports.get('f') as FuncInst;
    const before = em.meter.consumed;
    f.invoke([10]);
    // f entered once, the loop header reached 10 times, g entered 10 times
    assert.equal(em.meter.consumed - before, 1 + 10 + 10);
  });

  it('calls the checkpoint when the countdown runs out, which may stop the guest', () => {
    const em = compile(program, true);
    const inst = em.instantiate([], { name: 'm', sys: null });
    const f = inst.exports.get('f') as FuncInst;
    let calls = 0;
    em.meter.countdown = em.meter.armed = 5;
    em.meter.checkpoint = (m) => {
      calls++;
      if (calls === 3) throw new Trap(TrapCode.fuelExhausted);
      m.spent += m.armed - m.countdown;
      m.countdown = m.armed = 5;
    };
    assert.throws(() => f.invoke([1000]), (e: unknown) => e instanceof Trap && e.code === TrapCode.fuelExhausted && e.wasmStack.length > 0);
    assert.equal(calls, 3);
  });

  it('emits nothing when not instrumented', () => {
    const em = compile(program, false);
    // (the opcode's number may occur as an operand, so compare code sizes: fuel has no operands)
    const withFuel = compile(program, true);
    const count = (mod: InterpModule) => mod.lowered.reduce((n, l) => n + l.code.length, 0);
    assert.equal(count(withFuel) - count(em), 3, 'one fuel instruction at each function entry (2) and loop header (1)');
  });
});
