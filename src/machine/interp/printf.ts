// printf's formatting, reading the format and %s strings from emulated memory. Each
// conversion interprets its argument as the C library would: the length modifier decides
// how many bits are read, the conversion decides signedness.
import type { VirtualMemory } from '../memory/types';
import { big, type Val } from './arith';

export function readCString(mem: VirtualMemory, addr: number, max = 1 << 20): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = mem.read8(addr + i);
    if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

const latin1 = (b: Uint8Array): string => {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch { return String.fromCharCode(...b); }
};

function bitsFor(len: string): number {
  switch (len) {
    case 'hh': return 8;
    case 'h': return 16;
    case 'l': case 'll': case 'z': case 'j': case 't': case 'L': case 'q': return 64;
    default: return 32;
  }
}

export function formatPrintf(mem: VirtualMemory, fmt: Uint8Array, args: Val[], ptrBits = 64): string {
  const s = latin1(fmt);
  let out = '';
  let ai = 0;
  const next = (): Val => (ai < args.length ? args[ai++] : 0);
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '%') { out += ch; continue; }
    const m = /^([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|z|j|t|L|q)?([diouxXcspn%])/.exec(s.slice(i + 1));
    if (!m) { out += ch; continue; }
    i += m[0].length;
    const flags = m[1];
    let width = m[2] === '*' ? Number(next()) : m[2] ? parseInt(m[2], 10) : 0;
    let left = flags.includes('-');
    if (width < 0) { left = true; width = -width; }
    const precRaw = m[3];
    const prec = precRaw === undefined ? -1 : precRaw === '*' ? Number(next()) : precRaw === '' ? 0 : parseInt(precRaw, 10);
    const conv = m[5];
    let body = '';
    let sign = '';
    let zeroPadOk = true;
    switch (conv) {
      case '%': out += '%'; continue;
      case 'n': next(); continue;
      case 'c': body = String.fromCharCode(Number(BigInt.asUintN(8, big(next())))); zeroPadOk = false; break;
      case 's': {
        const p = next();
        if (p === 0 || p === 0n) body = prec >= 0 && prec < 6 ? '' : '(null)';
        else {
          const bytes = readCString(mem, Number(p), prec >= 0 ? prec : 1 << 20);
          body = latin1(prec >= 0 ? bytes.subarray(0, prec) : bytes);
        }
        zeroPadOk = false;
        break;
      }
      case 'p': {
        const p = BigInt.asUintN(ptrBits, big(next()));
        body = p === 0n ? '(nil)' : '0x' + p.toString(16);
        zeroPadOk = false;
        break;
      }
      default: {
        const bits = bitsFor(m[4] ?? '');
        const raw = big(next());
        const signed = conv === 'd' || conv === 'i';
        let v = signed ? BigInt.asIntN(bits, raw) : BigInt.asUintN(bits, raw);
        if (v < 0n) { sign = '-'; v = -v; } else if (signed && flags.includes('+')) sign = '+'; else if (signed && flags.includes(' ')) sign = ' ';
        const base = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
        body = v.toString(base);
        if (conv === 'X') body = body.toUpperCase();
        if (prec >= 0) { zeroPadOk = false; if (prec === 0 && v === 0n) body = ''; body = body.padStart(prec, '0'); }
        if (flags.includes('#') && v !== 0n) { if (conv === 'x') sign += '0x'; else if (conv === 'X') sign += '0X'; else if (conv === 'o' && !body.startsWith('0')) body = '0' + body; }
      }
    }
    const len = sign.length + body.length;
    if (len >= width) out += sign + body;
    else if (left) out += sign + body + ' '.repeat(width - len);
    else if (flags.includes('0') && zeroPadOk) out += sign + '0'.repeat(width - len) + body;
    else out += ' '.repeat(width - len) + sign + body;
  }
  return out;
}

export function hexdump(mem: VirtualMemory, addr: number, n: number): string {
  // gdb's `x/Nxb ADDR`: eight bytes a line, each line led by its address.
  const lines: string[] = [];
  for (let off = 0; off < n; off += 8) {
    const cells: string[] = [];
    for (let i = off; i < Math.min(n, off + 8); i++) cells.push('0x' + mem.read8(addr + i).toString(16).padStart(2, '0'));
    lines.push(`0x${(addr + off).toString(16)}:\t${cells.join('\t')}`);
  }
  return lines.join('\n') + '\n';
}
