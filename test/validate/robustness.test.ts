// Corrupted modules must be rejected with a CompileError, never crash the decoder or validator with
// another exception or hang. Deterministic: a fixed-seed generator mutates the spec suite's modules
// (replaced, deleted and inserted bytes), and each mutant is decoded and validated with no features
// and with all of them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { allFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { validateModule } from '../../src/validate/index.js';
import { convertWast, listWastFiles, readModuleFile, suiteUnavailable } from '../support/spec-suite.js';

const MUTANTS_PER_MODULE = 3;

describe('robustness: corrupted modules', () => {
  const unavailable = suiteUnavailable();
  it('only ever throw CompileError', (t) => {
    if (unavailable) {
      t.skip(unavailable);
      return;
    }
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const problems: string[] = [];
    let mutants = 0;
    for (const file of listWastFiles(null)) {
      const conv = convertWast(file);
      for (const cmd of conv.commands) {
        if (cmd.type !== 'module' || !cmd.filename) continue;
        const orig = readModuleFile(conv, cmd.filename);
        if (orig.length <= 8) continue;
        for (let k = 0; k < MUTANTS_PER_MODULE; k++) {
          const b = Array.from(orig);
          for (let j = 1 + rand(3); j > 0; j--) {
            const pos = 8 + rand(b.length - 8);
            const how = rand(10);
            if (how < 6) b[pos] = rand(256);
            else if (how < 8) b.splice(pos, 1);
            else b.splice(pos, 0, rand(256));
          }
          const bytes = new Uint8Array(b);
          for (const features of [0, allFeatures]) {
            mutants++;
            try {
              validateModule(decodeModule(bytes, { features }), features);
            } catch (e) {
              if (!(e instanceof CompileError)) problems.push(`${file.name} ${cmd.filename} (mutant ${k}): ${String(e)}`);
            }
          }
        }
      }
    }
    assert.ok(mutants > 1000, `only ${mutants} mutants`);
    assert.deepEqual(problems.slice(0, 20), []);
  });
});
