// Instrumentation points (src/runtime/meter.ts): with CompileOptions.instrument set, the interpreter
// charges one unit per function entry and per loop-header execution (back-edges included), exactly
// where the compiler engine charges; without it the lowered code has no `fuel` instruction. Here with
// a stand-in counter; test/engine/fuel-points.test.ts checks both engines against the real meter.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Trap, TrapCode } from '../../src/index.js';
import { decodeModule } from '../../src/binary/decode.js';
import { InterpModule } from '../../src/engine/interpreter/index.js';
import type { Meter, MeterCounter } from '../../src/runtime/meter.js';
import type { FuncInst } from '../../src/runtime/store.js';
import { wat, watUnavailable } from './helpers.js';

function compile(text: string, fuel: boolean): InterpModule {
  const bytes = wat(text);
  const m = decodeModule(bytes, { features: 0 });
  return new InterpModule(m, {
    bytes, features: 0, name: '', callStackLimit: 1000, memoryLimitPages: 100, instrument: { fuel, interrupt: false },
  });
}

/** A counter granting `grant` units per checkpoint; at the `stopAt`-th checkpoint it throws. */
function counter(grant: number, stopAt = Infinity): MeterCounter & { granted: number; checkpoints: number } {
  const c = {
    countdown: 0,
    granted: 0,
    checkpoints: 0,
    stopped: null,
    checkpoint(): number {
      c.checkpoints++;
      if (c.checkpoints >= stopAt) throw new Trap(TrapCode.fuelExhausted);
      c.granted += grant;
      c.countdown = grant - 1; // the unit that triggered the checkpoint is paid from the grant
      return c.countdown;
    },
    release(): void {},
  };
  return c;
}

const meterOf = (c: MeterCounter) => ({ counter: () => c }) as unknown as Meter;

const program = `(module
  (func $g)
  (func (export "f") (param i32) (local i32)
    (loop $l
      (call $g)
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))`;

describe('interpreter: instrumentation points', { skip: watUnavailable() ?? undefined }, () => {
  it('charges function entries and loop headers', () => {
    const em = compile(program, true);
    const c = counter(1000);
    const f = em.instantiate([], { name: 'm', sys: null, meter: meterOf(c) }).exports.get('f') as FuncInst;
    f.invoke([10]);
    // f entered once, the loop header reached 10 times, g entered 10 times
    assert.equal(c.granted - c.countdown, 1 + 10 + 10);
  });

  it('calls the checkpoint when the countdown runs out, which may stop the guest with a trace', () => {
    const em = compile(program, true);
    const c = counter(5, 3);
    const f = em.instantiate([], { name: 'm', sys: null, meter: meterOf(c) }).exports.get('f') as FuncInst;
    assert.throws(() => f.invoke([1000]), (e: unknown) => e instanceof Trap && e.code === TrapCode.fuelExhausted && e.wasmStack.length > 0);
    assert.equal(c.checkpoints, 3);
  });

  it('emits nothing when not instrumented', () => {
    const em = compile(program, false);
    // (the opcode's number may occur as an operand, so compare code sizes: fuel has no operands)
    const withFuel = compile(program, true);
    const count = (mod: InterpModule) => mod.lowered.reduce((n, l) => n + l.code.length, 0);
    assert.equal(count(withFuel) - count(em), 3, 'one fuel instruction at each function entry (2) and loop header (1)');
  });
});
