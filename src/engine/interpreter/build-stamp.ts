// What identifies the interpreter's lowered form in a compilation-cache payload (serialize.ts).
//
// Lowered code is only meaningful to the executor that was built with it: opcode numbers come from a
// `const enum` (ops.ts) that tsc inlines, and an op's operand layout can change without any number
// changing. So a payload carries a stamp of the interpreter's own compiled code, and is used only by
// the same build. `npm run build` (scripts/bundle-cli.ts) overwrites the emitted copy of this file
// with a sha256 of dist/src/engine/interpreter/*.js; a build without that step leaves the stamp
// empty, and the interpreter then stores no payload (the cache still skips validation).

export const LOWERED_STAMP: string = '';
