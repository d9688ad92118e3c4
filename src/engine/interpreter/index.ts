// Placeholder until the interpreter lands (issue #3): it refuses every module, clearly.
import { CompileError } from '../../api/errors.js';
import type { Engine } from '../../runtime/engine.js';

export function interpreterEngine(): Engine {
  return {
    kind: 'interpreter',
    unsupported: () => 'the interpreter engine is not built yet (issue #3)',
    compile() {
      throw new CompileError('unsupported', 'the interpreter engine is not built yet (issue #3)', '');
    },
  };
}
