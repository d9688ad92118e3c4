// WebAssembly features (proposals) beyond the 2.0 core, as bit flags. The 2.0 core itself (MVP,
// sign-extension, saturating truncation, multi-value, mutable globals, reference types, bulk memory,
// fixed-width SIMD) is always on.

export const Features = {
  tailCall: 1 << 0,
  extendedConst: 1 << 1,
  multiMemory: 1 << 2,
  memory64: 1 << 3,
  threads: 1 << 4,
  exceptions: 1 << 5,
  relaxedSimd: 1 << 6,
} as const;
export type FeatureFlag = (typeof Features)[keyof typeof Features];

/** The features on by default: Wasm 2.0 plus the finished proposals that change no existing meaning. */
export const defaultFeatures = Features.tailCall | Features.extendedConst;

/** Every feature wasmbox knows. */
export const allFeatures =
  Features.tailCall |
  Features.extendedConst |
  Features.multiMemory |
  Features.memory64 |
  Features.threads |
  Features.exceptions |
  Features.relaxedSimd;

const featureNames: [string, number][] = [
  ['tail-call', Features.tailCall],
  ['extended-const', Features.extendedConst],
  ['multi-memory', Features.multiMemory],
  ['memory64', Features.memory64],
  ['threads', Features.threads],
  ['exception-handling', Features.exceptions],
  ['relaxed-simd', Features.relaxedSimd],
];

/** The proposal name of each flag (`tail-call`, `memory64`, …). */
export function featureName(flag: number): string {
  for (const [n, f] of featureNames) if (f === flag) return n;
  return `feature 0x${flag.toString(16)}`;
}

/** Parses a proposal name (as used by the spec suite's folders) to its flag, or undefined. */
export function featureByName(name: string): number | undefined {
  for (const [n, f] of featureNames) if (n === name) return f;
  return undefined;
}

export function listFeatures(flags: number): string[] {
  return featureNames.filter(([, f]) => (flags & f) !== 0).map(([n]) => n);
}
