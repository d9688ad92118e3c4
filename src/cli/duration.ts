// Go's duration syntax (time.ParseDuration), which wazero's -timeout flag takes: an optionally signed
// sequence of decimal numbers, each with an optional fraction and a unit — "300ms", "1.5h", "2h45m".
// Units: ns, us (or µs/μs), ms, s, m, h. "0" alone needs no unit.

const unitNs: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek small letter mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration; returns nanoseconds (a JS number), or throws with Go's wording. */
export function parseDuration(s: string): number {
  const orig = s;
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(orig)}`);
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole, int = '', frac] = m;
    if (int === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(whole.length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${JSON.stringify(orig)}`);
    const unit = u[0];
    const scale = unitNs[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(orig)}`);
    s = s.slice(unit.length);
    total += Number(int || '0') * scale + (frac ? Number(`0.${frac}`) * scale : 0);
  }
  if (total > 2 ** 63 - 1) throw invalid();
  return neg ? -total : total;
}

/** Formats nanoseconds the way Go prints a time.Duration ("1m30s", "300ms", "1.5s", "0s"). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let v = Math.abs(ns);
  let out: string;
  if (v < 1e3) out = `${v}ns`;
  else if (v < 1e6) out = `${trim(v / 1e3)}µs`;
  else if (v < 1e9) out = `${trim(v / 1e6)}ms`;
  else {
    const h = Math.floor(v / 3600e9);
    v -= h * 3600e9;
    const m = Math.floor(v / 60e9);
    v -= m * 60e9;
    const sec = `${trim(v / 1e9)}s`;
    out = h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

function trim(x: number): string {
  return String(Number(x.toFixed(9)));
}
