import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/cli/duration.js';
import { type Flag, FlagError, parseFlags } from '../../src/cli/flags.js';

function flagSet() {
  const seen: Record<string, string[]> = {};
  const rec = (name: string, bool = false): Flag => ({
    name,
    usage: name,
    bool,
    set: (v) => {
      if (name === 'n' && !/^\d+$/.test(v)) throw new Error('not a number');
      (seen[name] ??= []).push(v);
    },
  });
  return { seen, flags: [rec('env'), rec('mount'), rec('interpreter', true), rec('n')] };
}

test('Go flag syntax: forms, accumulation, end of flags', () => {
  const cases: [string[], Record<string, string[]>, string[]][] = [
    [['-env', 'A=1', 'x.wasm'], { env: ['A=1'] }, ['x.wasm']],
    [['-env=A=1', '--env=B=2', '--env', 'C=3', 'x.wasm', 'arg'], { env: ['A=1', 'B=2', 'C=3'] }, ['x.wasm', 'arg']],
    [['-interpreter', 'x.wasm'], { interpreter: ['true'] }, ['x.wasm']],
    [['-interpreter=false', 'x.wasm'], { interpreter: ['false'] }, ['x.wasm']],
    [['x.wasm', '-env', 'A=1'], {}, ['x.wasm', '-env', 'A=1']],
    [['--', '-env', 'x'], {}, ['-env', 'x']],
    [['-', 'x'], {}, ['-', 'x']],
    [['-mount=/a:/b:ro', '-mount', '/c'], { mount: ['/a:/b:ro', '/c'] }, []],
  ];
  for (const [args, want, rest] of cases) {
    const { seen, flags } = flagSet();
    assert.deepEqual(parseFlags(args, flags), rest, args.join(' '));
    assert.deepEqual(seen, want, args.join(' '));
  }
});

test('Go flag errors use Go wording', () => {
  const cases: [string[], RegExp | 'help'][] = [
    [['-nope', 'x'], /^flag provided but not defined: -nope$/],
    [['-env'], /^flag needs an argument: -env$/],
    [['-interpreter=maybe'], /^invalid boolean value "maybe" for -interpreter/],
    [['-n', 'abc'], /^invalid value "abc" for flag -n: not a number$/],
    [['---x'], /^bad flag syntax: ---x$/],
    [['-=x'], /^bad flag syntax: -=x$/],
    [['-h'], 'help'],
    [['--help'], 'help'],
  ];
  for (const [args, want] of cases) {
    const { flags } = flagSet();
    assert.throws(
      () => parseFlags(args, flags),
      (e: Error) => e instanceof FlagError && (want === 'help' ? e.help : want.test(e.message) && !e.help),
      args.join(' '),
    );
  }
});

test('Go durations parse to nanoseconds', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['300ms', 300e6],
    ['1.5h', 1.5 * 3600e9],
    ['2h45m', 2 * 3600e9 + 45 * 60e9],
    ['1m30s', 90e9],
    ['100us', 100e3],
    ['100µs', 100e3],
    ['7ns', 7],
    ['-1s', -1e9],
    ['+.5s', 0.5e9],
    ['1.s', 1e9],
  ];
  for (const [s, ns] of cases) assert.equal(parseDuration(s), ns, s);
  const bad: [string, RegExp][] = [
    ['', /invalid duration ""/],
    ['1', /missing unit in duration "1"/],
    ['1d', /unknown unit "d" in duration "1d"/],
    ['.s', /invalid duration/],
    ['ms', /invalid duration/],
    ['-', /invalid duration/],
  ];
  for (const [s, re] of bad) assert.throws(() => parseDuration(s), re, s);
});

test('durations print as Go prints them', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [300e6, '300ms'],
    [1.5e9, '1.5s'],
    [90e9, '1m30s'],
    [2 * 3600e9 + 45 * 60e9, '2h45m0s'],
    [100e3, '100µs'],
  ];
  for (const [ns, s] of cases) assert.equal(formatDuration(ns), s);
});
