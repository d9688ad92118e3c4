// Command-line flags parsed as Go's `flag` package does, so scripts written for `wazero run` work
// unchanged: `-flag value`, `-flag=value`, `--flag=value`; boolean flags take no separate value
// (`-flag`, `-flag=false`); parsing stops at the first argument that is not a flag, or after `--`.

export class FlagError extends Error {
  /** True for -h/-help: print usage and exit 0. */
  readonly help: boolean;
  constructor(message: string, help = false) {
    super(message);
    this.name = 'FlagError';
    this.help = help;
  }
}

export interface Flag {
  name: string;
  usage: string;
  /** Boolean flags take no separate value. */
  bool?: boolean;
  /** Placeholder for the value in usage text (e.g. `duration`). */
  valueName?: string;
  /** Default shown in usage (omitted when empty). */
  defaultText?: string;
  /** Receives each occurrence's value ("true"/"false" for booleans); throws to reject it. */
  set(value: string): void;
}

const boolValues: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

/** Parses a Go boolean ("true", "1", "F", …). */
export function parseBool(v: string): boolean {
  const b = boolValues[v];
  if (b === undefined) throw new Error(`parse error`);
  return b;
}

/**
 * Parses `args` against `flags`; returns the arguments left after the flags. Throws FlagError with Go's
 * wording for unknown flags, missing values and bad values.
 */
export function parseFlags(args: readonly string[], flags: readonly Flag[]): string[] {
  const byName = new Map(flags.map((f) => [f.name, f]));
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a.length < 2 || a[0] !== '-') break;
    let name = a.slice(1);
    if (name[0] === '-') {
      name = name.slice(1);
      if (name === '') {
        i++; // "--" ends the flags and is consumed
        break;
      }
    }
    if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${a}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const f = byName.get(name);
    if (!f) {
      if (name === 'h' || name === 'help') throw new FlagError('help requested', true);
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
    if (f.bool) {
      const v = value ?? 'true';
      try {
        parseBool(v);
        f.set(v);
      } catch (e) {
        throw new FlagError(`invalid boolean value ${JSON.stringify(v)} for -${name}: ${(e as Error).message}`);
      }
      continue;
    }
    if (value === undefined) {
      if (i >= args.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = args[i++]!;
    }
    try {
      f.set(value);
    } catch (e) {
      throw new FlagError(`invalid value ${JSON.stringify(value)} for flag -${name}: ${(e as Error).message}`);
    }
  }
  return args.slice(i);
}

/**
 * Usage lines in the shape of Go's flag.PrintDefaults: sorted by name (byte order), the value's type
 * after the name, the usage on the next line — or on the same line after a tab for a one-letter
 * boolean flag such as -h, as Go does.
 */
export function formatFlags(flags: readonly Flag[]): string {
  const lines: string[] = [];
  for (const f of [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let head = `  -${f.name}`;
    if (!f.bool) head += ` ${f.valueName ?? 'value'}`;
    const def = f.defaultText ? ` (default ${f.defaultText})` : '';
    const sep = head.length <= 4 ? '\t' : '\n    \t';
    lines.push(`${head}${sep}${f.usage.replace(/\n/g, '\n    \t')}${def}`);
  }
  return lines.join('\n');
}
