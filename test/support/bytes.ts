// Building module bytes by hand for decoder tests: small functions that return plain byte arrays, so a
// test reads like the binary format's grammar (§5.5) and can break any part of it on purpose.
//
//   mod(section(1, vec([functype([0x7f], [])])), section(3, vec([u32(0)])), ...)

/** Anything that flattens to bytes: a byte, or (nested) arrays of bytes. */
export type ByteLike = number | readonly ByteLike[] | Uint8Array;

/** Flattens byte-likes into one array, checking each is a byte. */
export function flat(...parts: ByteLike[]): number[] {
  const out: number[] = [];
  const walk = (p: ByteLike): void => {
    if (typeof p === 'number') {
      if (!(Number.isInteger(p) && p >= 0 && p <= 0xff)) throw new RangeError(`not a byte: ${p}`);
      out.push(p);
    } else for (const q of p) walk(q);
  };
  for (const p of parts) walk(p);
  return out;
}

/** Unsigned LEB128, shortest form (number or bigint). */
export function u32(v: number | bigint): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x === 0n ? b : b | 0x80);
  } while (x !== 0n);
  return out;
}

/** Signed LEB128, shortest form (number or bigint). */
export function s32(v: number | bigint): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  for (;;) {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    if ((x === 0n && !(b & 0x40)) || (x === -1n && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const s64 = s32;
export const u64 = u32;

/** A name (§5.2.4): UTF-8 bytes with their length. */
export function str(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...u32(b.length), ...b];
}

/** vec(x) (§5.1.3): a count, then the items. */
export function vec(items: readonly ByteLike[]): number[] {
  return flat(u32(items.length), ...items);
}

/** A section (§5.5.2): its id, its size, its contents. */
export function section(id: number, ...contents: ByteLike[]): number[] {
  const body = flat(...contents);
  return [id, ...u32(body.length), ...body];
}

/** A custom section (§5.5.3). */
export function custom(name: string, ...contents: ByteLike[]): number[] {
  return section(0, str(name), ...contents);
}

/** The module header (§5.5.16): magic and version 1. */
export const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A whole module: the header, then the given sections (or any bytes) as they are. */
export function mod(...sections: ByteLike[]): Uint8Array {
  return new Uint8Array(flat(header, ...sections));
}

/** A function type (§5.3.6). */
export function functype(params: readonly number[], results: readonly number[]): number[] {
  return flat(0x60, vec(params), vec(results));
}

/** One code section entry (§5.5.13): size, then vec(locals) and the expression bytes. */
export function func(locals: readonly (readonly [count: number, type: number])[], ...body: ByteLike[]): number[] {
  const content = flat(vec(locals.map(([n, t]) => [...u32(n), t])), ...body);
  return [...u32(content.length), ...content];
}

/** Parses a spec-test style byte string (`"\00asm\01\00\00\00"`) into bytes. */
export function wastBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i));
  }
  return out;
}

/** Hex dump (`00 61 73 6d`) for assertion messages. */
export function hex(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
