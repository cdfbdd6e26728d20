// `x/NFU EXPR`, gdb's examine: N units of size U (b h w g) shown in format F (x z d u o t c a s).
// Like gdb it remembers the last format and size, continues after the last unit when no
// address is given, and stops at the first byte it cannot read with gdb's message. Reads go
// through the inspector only.
import type { Scenario } from '../../machine/scenario';
import type { ExamineMemo, SizeLetter } from './context';
import { peek } from './debug-memory';

const hx = (n: number) => '0x' + n.toString(16);
const BYTES: Record<SizeLetter, number> = { b: 1, h: 2, w: 4, g: 8 };
const FORMATS = 'xzduotcas';
const MAX_UNITS = 4096;

export interface ExamineSpec { count: number; format: string; size: SizeLetter }

// The letters after `x/`: a count first, then format and size letters in any order.
export function parseSpec(spec: string, memo: ExamineMemo, pointer: SizeLetter = 'g'): ExamineSpec {
  const m = /^(\d*)([a-z]*)$/.exec(spec);
  if (!m) throw new Error(`x/${spec}: expected x/[COUNT][FORMAT][SIZE], e.g. x/4gx p`);
  const count = m[1] ? Number(m[1]) : 1;
  if (count < 1 || count > MAX_UNITS) throw new Error(`x: a count from 1 to ${MAX_UNITS}`);
  let format: string | null = null, size: SizeLetter | null = null;
  for (const ch of m[2]) {
    if (ch in BYTES) size = ch as SizeLetter;
    else if (ch === 'i') throw new Error('x/i: a scenario has no machine instructions to disassemble');
    else if (FORMATS.includes(ch)) format = ch;
    else throw new Error(`x: undefined format letter '${ch}' (formats x z d u o t c a s, sizes b h w g)`);
  }
  const f = format ?? memo.format;
  // gdb: an address is pointer-sized, characters are bytes unless a size is given
  const sz: SizeLetter = f === 'a' ? pointer : size ?? (f === 'c' || f === 's' ? 'b' : memo.size);
  if (f === 's' && sz !== 'b') throw new Error('x/s: only byte strings (size b)');
  return { count, format: f, size: sz };
}

function readUnit(sc: Scenario, a: number, n: number): bigint | string {
  const b = peek(sc, a, n);
  if (!(b instanceof Uint8Array)) return `Cannot access memory at address ${hx(b.unreadable)} (${b.why})`;
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function unitText(v: bigint, n: number, format: string, label: (a: number) => string): string {
  const bits = n * 8;
  switch (format) {
    case 'x': case 'z': return '0x' + v.toString(16).padStart(n * 2, '0');
    case 'd': return BigInt.asIntN(bits, v).toString();
    case 'u': return v.toString();
    case 'o': return v === 0n ? '0' : '0' + v.toString(8);
    case 't': return v.toString(2).padStart(bits, '0');
    case 'c': { const c = Number(v & 0xffn); return `${BigInt.asIntN(8, v & 0xffn)} '${c >= 32 && c < 127 ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0')}'`; }
    case 'a': return '0x' + v.toString(16) + (v <= BigInt(Number.MAX_SAFE_INTEGER) ? label(Number(v)) : '');
  }
  return v.toString();
}

// gdb's `<symbol+offset>` for addresses inside a global of the scenario.
function labeller(sc: Scenario): (a: number) => string {
  const globals = sc.program.globals.flatMap((g) => (g.storage.kind === 'global' ? [{ name: g.name, at: g.storage.addr, size: 'size' in g.type ? g.type.size : 8 }] : []));
  return (a) => {
    const g = globals.find((x) => a >= x.at && a < x.at + Math.max(x.size, 1));
    return g ? ` <${g.name}${a > g.at ? '+' + (a - g.at) : ''}>` : '';
  };
}

const PER_LINE: Record<SizeLetter, number> = { b: 8, h: 8, w: 4, g: 2 };

export function examine(sc: Scenario, start: number, spec: ExamineSpec, memo: ExamineMemo): string {
  const label = labeller(sc);
  const n = BYTES[spec.size];
  const lines: string[] = [];
  let a = start;
  if (spec.format === 's') {
    for (let k = 0; k < spec.count; k++) {
      let text = '', i = 0, fail = '';
      for (;; i++) {
        const b = peek(sc, a + i, 1);
        if (!(b instanceof Uint8Array)) { fail = `Cannot access memory at address ${hx(b.unreadable)} (${b.why})`; break; }
        if (b[0] === 0 || i >= 200) break;
        const c = b[0];
        text += c === 34 ? '\\"' : c === 92 ? '\\\\' : c === 10 ? '\\n' : c >= 32 && c < 127 ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0');
      }
      if (fail && i === 0) { lines.push(`${hx(a)}${label(a)}:\t${fail}`); break; }
      lines.push(`${hx(a)}${label(a)}:\t"${text}"${i >= 200 ? '...' : ''}${fail ? '  ' + fail : ''}`);
      a += i + 1;
      if (fail) break;
    }
  } else {
    const per = spec.format === 'c' ? 8 : spec.format === 'a' ? 2 : PER_LINE[spec.size];
    let line = '';
    for (let k = 0; k < spec.count; k++) {
      if (k % per === 0) { if (line) lines.push(line); line = `${hx(a)}${label(a)}:`; }
      const v = readUnit(sc, a, n);
      if (typeof v === 'string') { line += `\t${v}`; break; }
      line += '\t' + unitText(v, n, spec.format, label);
      a += n;
    }
    if (line) lines.push(line);
  }
  memo.format = spec.format;
  if (spec.format !== 's') memo.size = spec.size;
  memo.next = a;
  return lines.join('\n');
}
