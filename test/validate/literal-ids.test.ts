// The hot switches name opcodes, immediate kinds and opcode classes by literal number (V8 makes jump
// tables only of literal cases), each with its name in a comment. This checks every such literal
// against the tables it stands for, so the two cannot drift apart.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Imm, Op, opByName } from '../../src/binary/opcodes.js';
import { Cls, baseClassOf } from '../../src/validate/tables.js';
import { projectRoot } from '../support/spec-suite.js';

function source(rel: string): string {
  return fs.readFileSync(path.join(projectRoot, rel), 'utf8');
}

describe('literal ids in hot switches', () => {
  it('instruction cases in the body validator match the opcode classes', () => {
    const src = source('src/validate/code.ts');
    const cases = [...src.matchAll(/case (\d+) \/\* ([a-z0-9_.]+(?: t)?) \*\/:/g)];
    assert.ok(cases.length > 40, `found only ${cases.length} instruction cases`);
    for (const [, cls, name] of cases) {
      const op = name === 'select t' ? Op.select_t : opByName(name!)?.id;
      assert.ok(op !== undefined, `no opcode ${name}`);
      assert.equal(Number(cls), baseClassOf(op), `case ${cls} is commented ${name}`);
    }
  });

  it('opcode byte cases in the fast loop of the body validator match the opcodes', () => {
    const src = source('src/validate/code.ts');
    const cases = [...src.matchAll(/case 0x([0-9a-f]+) \/\* ([a-z0-9_.]+) \*\/:/g)];
    assert.ok(cases.length > 40, `found only ${cases.length} opcode byte cases`);
    for (const [, hex, name] of cases) {
      assert.equal(parseInt(hex!, 16), opByName(name!)?.id, `case 0x${hex} is commented ${name}`);
    }
  });

  it('class literals match Cls', () => {
    for (const rel of ['src/validate/code.ts']) {
      const hits = [...source(rel).matchAll(/(\d+) \/\* Cls\.(\w+) \*\//g)];
      assert.ok(hits.length >= 4, `${rel}: found only ${hits.length} class literals`);
      for (const [, n, key] of hits) assert.equal(Number(n), (Cls as Record<string, number>)[key!], `${rel}: ${n} is Cls.${key}`);
    }
  });

  it('immediate kind literals in the instruction reader match Imm', () => {
    const hits = [...source('src/binary/instr.ts').matchAll(/(\d+) \/\* Imm\.(\w+) \*\//g)];
    assert.ok(hits.length >= 25, `found only ${hits.length} immediate kind literals`);
    for (const [, n, key] of hits) assert.equal(Number(n), (Imm as Record<string, number>)[key!], `${n} is Imm.${key}`);
  });
});
