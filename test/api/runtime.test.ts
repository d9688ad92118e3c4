import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompileError, LinkError, Trap, TrapCode, newModuleConfig } from '../../src/index.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';

const calc = `
(module $calc
  (import "env" "log" (func $log (param i32 i64)))
  (memory (export "memory") 1 2)
  (global $g (export "g") (mut i32) (i32.const 7))
  (global (export "k") f64 (f64.const 2.5))
  (table (export "t") 2 funcref)
  (func $add (export "add") (param $a i32) (param $b i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "mulf") (param f32 f64) (result f64) local.get 0 f64.promote_f32 local.get 1 f64.mul)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "log") (param i32 i64) local.get 0 local.get 1 call $log)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func (export "bump") global.get $g i32.const 1 i32.add global.set $g)
  (func (export "_start") i32.const 100 i32.const 42 i32.store8)
  (data (i32.const 16) "hello")
)`;

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;

  test(`[${eng.name}] compile: introspection of imports, exports and signatures`, { skip }, () => {
    const rt = eng.runtime();
    const c = rt.compile(wat(calc));
    assert.equal(c.name, 'calc');
    assert.equal(c.engine, eng.name);
    assert.deepEqual(c.imports(), [{ module: 'env', name: 'log', type: { kind: 'func', params: ['i32', 'i64'], results: [] } }]);
    const exports = Object.fromEntries(c.exports().map((e) => [e.name, e.type]));
    assert.deepEqual(exports.memory, { kind: 'memory', limits: { min: 1, max: 2 }, shared: false, index64: false });
    assert.deepEqual(exports.g, { kind: 'global', type: 'i32', mutable: true });
    assert.deepEqual(exports.t, { kind: 'table', element: 'funcref', limits: { min: 2 } });
    assert.deepEqual(exports.swap, { kind: 'func', params: ['i32', 'i64'], results: ['i64', 'i32'] });
    const add = c.exportedFunctions().get('add')!;
    assert.equal(add.name, 'add');
    assert.deepEqual(add.paramNames, ['a', 'b']);
    assert.deepEqual(add.exportNames, ['add']);
    const [log] = c.importedFunctions();
    assert.deepEqual(log!.import, ['env', 'log']);
    assert.ok(c.customSections('name').length === 1);
    rt.close();
  });

  test(`[${eng.name}] calls: typed arguments and results, traps, start function`, { skip }, () => {
    const rt = eng.runtime();
    const logged: unknown[] = [];
    rt.newHostModuleBuilder('env')
      .exportFunction('log', { params: ['i32', 'i64'], results: [] }, (caller, a, b) => {
        logged.push(a, b, caller.moduleName, caller.memory()?.readByte(100));
      })
      .instantiate();
    const m = rt.instantiate(rt.compile(wat(calc)), newModuleConfig());
    assert.equal(m.name, 'calc');
    assert.deepEqual(m.exportedFunction('add')!.call(2, 3), [5]);
    assert.deepEqual(m.exportedFunction('add')!.call(0x7fffffff, 1), [-0x80000000]);
    assert.deepEqual(m.exportedFunction('add64')!.call(2n ** 62n, 2n ** 62n), [-(2n ** 63n)]);
    assert.deepEqual(m.exportedFunction('mulf')!.call(1.5, 3), [4.5]);
    assert.deepEqual(m.exportedFunction('swap')!.call(1, 2n), [2n, 1]);
    assert.deepEqual(m.exportedFunction('log')!.call(-1, -5n), []);
    assert.deepEqual(logged, [-1, -5n, 'calc', 42], 'host saw args, caller name and memory written by _start');
    assert.throws(() => m.exportedFunction('div')!.call(1, 0), (e: Error) => e instanceof Trap && e.code === TrapCode.integerDivideByZero);
    assert.throws(() => m.exportedFunction('add')!.call(1), /takes 2 argument/);
    assert.throws(() => m.exportedFunction('add64')!.call(1.5, 1n), TypeError);
    assert.equal(m.exportedFunction('nope'), undefined);
    assert.equal(m.exportedMemory('add'), undefined, 'a function is not a memory');
    rt.close();
  });

  test(`[${eng.name}] globals, memory and tables through the API`, { skip }, () => {
    const rt = eng.runtime();
    rt.newHostModuleBuilder('env').exportFunction('log', { params: ['i32', 'i64'], results: [] }, () => {}).instantiate();
    const m = rt.instantiate(rt.compile(wat(calc)));
    const g = m.exportedGlobal('g')!;
    assert.equal(g.get(), 7);
    m.exportedFunction('bump')!.call();
    assert.equal(g.get(), 8);
    g.set(41);
    m.exportedFunction('bump')!.call();
    assert.equal(g.get(), 42);
    const k = m.exportedGlobal('k')!;
    assert.equal(k.get(), 2.5);
    assert.throws(() => k.set(1), /immutable/);

    const mem = m.memory()!;
    assert.equal(mem.size(), 65536);
    assert.equal(mem.readString(16, 5), 'hello');
    mem.writeUint32Le(0, 0xdeadbeef);
    assert.equal(mem.readUint32Le(0), 0xdeadbeef);
    assert.equal(mem.readByte(0), 0xef);
    m.exportedFunction('store')!.call(8, -2);
    assert.equal(mem.readUint32Le(8), 0xfffffffe);
    mem.writeUint64Le(24, 2n ** 64n - 1n);
    assert.equal(mem.readUint64Le(24), 2n ** 64n - 1n);
    mem.writeFloat64Le(32, Math.PI);
    assert.equal(mem.readFloat64Le(32), Math.PI);
    assert.throws(() => mem.readUint32Le(65533), RangeError);
    assert.throws(() => mem.write(65535, new Uint8Array(2)), RangeError);
    assert.throws(() => m.exportedFunction('store')!.call(65534, 1), /out of bounds memory access/);
    assert.equal(mem.grow(1), 1);
    assert.equal(mem.size(), 2 * 65536);
    assert.equal(mem.readUint32Le(65534), 0, 'the grown memory is usable');
    assert.equal(mem.grow(1), -1, 'the maximum is 2 pages');
    m.exportedFunction('store')!.call(65534, 1);
    assert.equal(mem.readUint32Le(65534), 1);

    const t = m.exportedTable('t')!;
    assert.equal(t.size(), 2);
    assert.equal(t.get(0), null);
    rt.close();
  });

  test(`[${eng.name}] linking: unknown and incompatible imports, names, close`, { skip }, () => {
    const rt = eng.runtime();
    const bytes = wat(calc);
    assert.throws(() => rt.instantiateBytes(bytes), (e: Error) => e instanceof LinkError && /unknown import/.test(e.message) && /env\.log/.test(e.message));
    rt.newHostModuleBuilder('env').exportFunction('log', { params: ['i32'], results: [] }, () => {}).instantiate();
    assert.throws(() => rt.instantiateBytes(bytes), (e: Error) => e instanceof LinkError && /incompatible import type/.test(e.message));
    rt.module('env')!.close();
    assert.equal(rt.module('env'), undefined, 'closing frees the name');
    rt.newHostModuleBuilder('env').exportFunction('log', { params: ['i32', 'i64'], results: [] }, () => {}).instantiate();
    const a = rt.instantiate(rt.compile(bytes), newModuleConfig().withName('a'));
    assert.equal(rt.module('a'), a);
    assert.throws(() => rt.instantiate(rt.compile(bytes), newModuleConfig().withName('a')), /already been instantiated/);
    const anon1 = rt.instantiate(rt.compile(bytes), newModuleConfig().withName(''));
    const anon2 = rt.instantiate(rt.compile(bytes), newModuleConfig().withName(''));
    assert.notEqual(anon1, anon2, 'anonymous instances do not collide');
    a.close();
    assert.ok(a.closed);
    assert.throws(() => a.exportedFunction('add')!.call(1, 2), /closed/);
    rt.close();
    assert.ok(anon1.closed && anon2.closed, 'closing the runtime closes its instances');
    assert.throws(() => rt.compile(bytes), /runtime is closed/);
  });

  test(`[${eng.name}] one module's exports feed another's imports`, { skip }, () => {
    const rt = eng.runtime();
    const lib = wat(`(module
      (memory (export "mem") 1)
      (global (export "base") i32 (i32.const 64))
      (func (export "twice") (param i32) (result i32) local.get 0 i32.const 2 i32.mul))`);
    const app = wat(`(module
      (import "lib" "twice" (func $twice (param i32) (result i32)))
      (import "lib" "mem" (memory 1))
      (import "lib" "base" (global $base i32))
      (func (export "run") (param i32) (result i32)
        global.get $base local.get 0 call $twice i32.store
        global.get $base i32.load))`);
    const l = rt.instantiate(rt.compile(lib), newModuleConfig().withName('lib'));
    const a = rt.instantiate(rt.compile(app), newModuleConfig().withName('app'));
    assert.deepEqual(a.exportedFunction('run')!.call(21), [42]);
    assert.equal(l.exportedMemory('mem')!.readUint32Le(64), 42, 'the memory is shared');
    rt.close();
  });

  test(`[${eng.name}] compile errors are CompileErrors with the offset`, { skip: eng.unavailable ?? false }, () => {
    const rt = eng.runtime();
    assert.throws(
      () => rt.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])),
      (e: Error) => e instanceof CompileError && e.message.startsWith('unknown binary version') && e.offset === 4,
    );
    assert.throws(
      () => rt.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0d, 0x00])),
      (e: Error) => e instanceof CompileError && /malformed section id/.test(e.message) && /offset 0x8/.test(e.message),
    );
    rt.close();
  });
}
