// What pwndbg's `heap`, `bins` and `vis_heap_chunks` print, from the emulated bytes, plus the
// bin each chunk is in and the mmapped chunks (which pwndbg cannot list).
import { AV, MState, NFASTBINS } from './mstate';
import { peeker, reveal } from './views';

const hx = (n: number | bigint) => '0x' + n.toString(16);
const num = (v: number | bigint) => (typeof v === 'number' ? v : Number(v));

function flagNames(size: number): string {
  const f: string[] = [];
  if (size & 1) f.push('PREV_INUSE');
  if (size & 2) f.push('IS_MMAPED');
  if (size & 4) f.push('NON_MAIN_ARENA');
  return f.length ? ' | ' + f.join(' | ') : '';
}

// chunk address -> the bin it sits in ("tcachebins", "fastbins", "unsortedbin", ...)
function binOf(s: MState): Map<number, { kind: string; label: string }> {
  const P = peeker(s);
  const m = new Map<number, { kind: string; label: string }>();
  const tc = num(P(s.tcacheVar));
  if (tc) for (let i = 0; i < 64; i++) {
    let e = num(P(tc + 128 + i * 8)), n = 0;
    while (e && n++ < 64) { m.set(e - 16, { kind: 'tcachebins', label: `tcache[${hx(32 + 16 * i)}]` }); e = reveal(e, P(e)); }
  }
  for (let i = 0; i < NFASTBINS; i++) {
    let p = num(P(s.av + AV.fastbinsY + i * 8)), n = 0;
    while (p && n++ < 10000) { m.set(p, { kind: 'fastbins', label: `fastbin[${hx(32 + 16 * i)}]` }); p = reveal(p + 16, P(p + 16)); }
  }
  for (let i = 1; i < 127; i++) {
    const b = s.bin_at(i);
    let p = num(P(b + 16)), n = 0;
    const kind = i === 1 ? 'unsortedbin' : i < 64 ? 'smallbins' : 'largebins';
    while (p !== b && p && n++ < 10000) { m.set(p, { kind, label: i === 1 ? 'unsorted' : `${kind.slice(0, -1)}[${i}]` }); p = num(P(p + 16)); }
  }
  return m;
}

function chunks(s: MState): { addr: number; size: number }[] {
  const P = peeker(s);
  const start = num(P(s.mp + 96));   // mp_.sbrk_base
  const out: { addr: number; size: number }[] = [];
  if (!start) return out;
  const top = num(P(s.av + AV.top));
  const brk = s.proc.brkNow();
  let p = start;
  while (p < brk && out.length < 100000) {
    const size = num(P(p + 8));
    out.push({ addr: p, size });
    if (p === top) break;
    const step = size - (size % 8);
    if (step <= 0) break;
    p += step;
  }
  return out;
}

export function heapText(s: MState): string {
  const P = peeker(s);
  const bins = binOf(s);
  const top = num(P(s.av + AV.top));
  const lines: string[] = [];
  const list = chunks(s);
  if (!list.length) return 'The heap has not been initialized yet (no malloc so far).\n';
  for (const c of list) {
    const size = c.size - (c.size % 8);
    const b = bins.get(c.addr);
    const title = c.addr === top ? 'Top chunk' : b ? `Free chunk (${b.kind})` : 'Allocated chunk';
    lines.push(`${title}${flagNames(c.size)}`);
    lines.push(`Addr: ${hx(c.addr)}`);
    lines.push(`Size: ${hx(size)} (with flag bits: ${hx(c.size)})`);
    if (b) {
      const fd = P(c.addr + 16);
      if (b.kind === 'tcachebins' || b.kind === 'fastbins') lines.push(`fd: ${hx(fd)}`);
      else {
        lines.push(`fd: ${hx(fd)}`, `bk: ${hx(P(c.addr + 24))}`);
        if (b.kind === 'largebins') lines.push(`fd_nextsize: ${hx(P(c.addr + 32))}`, `bk_nextsize: ${hx(P(c.addr + 40))}`);
      }
      lines.push(`In: ${b.label}`);
    }
    lines.push('');
  }
  if (s.mmapped.size) {
    lines.push('Mmapped chunks (each in its own mapping):');
    for (const p of [...s.mmapped].sort((a, b) => a - b)) {
      const size = num(P(p + 8));
      lines.push(`Allocated chunk${flagNames(size)}`, `Addr: ${hx(p)}`, `Size: ${hx(size - (size % 8))} (with flag bits: ${hx(size)})`, `prev_size (alignment slack): ${hx(P(p))}`, '');
    }
  }
  return lines.join('\n') + '\n';
}

function arenaLabel(s: MState, a: number): string {
  const off = a - s.av;
  return off >= 0 && off < 0x898 ? ` (main_arena+${off})` : '';
}

export function binsText(s: MState): string {
  const P = peeker(s);
  const out: string[] = ['tcachebins'];
  const tc = num(P(s.tcacheVar));
  let any = false;
  if (tc) {
    const cb = s.proc.inspect.peekBytes(tc, 128) ?? new Uint8Array(128);
    for (let i = 0; i < 64; i++) {
      let e = num(P(tc + 128 + i * 8));
      if (!e) continue;
      any = true;
      const count = cb[2 * i] | (cb[2 * i + 1] << 8);
      const chain: string[] = [];
      let n = 0;
      while (e && n++ < 8) { chain.push(hx(e)); e = reveal(e, P(e)); }
      out.push(`${hx(32 + 16 * i)} [${String(count).padStart(3)}]: ${chain.join(' —▸ ')} ◂— ${e ? hx(e) + ' (…)' : '0'}`);
    }
  }
  if (!any) out.push('empty');
  out.push('fastbins');
  any = false;
  for (let i = 0; i < NFASTBINS; i++) {
    let p = num(P(s.av + AV.fastbinsY + i * 8));
    if (!p) continue;
    any = true;
    const chain: string[] = [];
    let n = 0;
    while (p && n++ < 16) { chain.push(hx(p)); p = reveal(p + 16, P(p + 16)); }
    out.push(`${hx(32 + 16 * i)}: ${chain.join(' —▸ ')} ◂— ${p ? hx(p) + ' (…)' : '0'}`);
  }
  if (!any) out.push('empty');
  const dl = (i: number, label: string, kind: string): boolean => {
    const b = s.bin_at(i);
    const first = num(P(b + 16));
    if (!first || first === b) return false;
    const chain: string[] = [];
    let p = first, n = 0;
    while (p !== b && p && n++ < 16) { chain.push(hx(p)); p = num(P(p + 16)); }
    out.push(`${label}: ${chain.join(' —▸ ')} —▸ ${hx(b)}${arenaLabel(s, b)} ◂— ${hx(first)}`);
    void kind;
    return true;
  };
  out.push('unsortedbin');
  if (!dl(1, 'all', 'unsorted')) out.push('empty');
  out.push('smallbins');
  any = false;
  for (let i = 2; i < 64; i++) any = dl(i, hx(i * 16), 'small') || any;
  if (!any) out.push('empty');
  out.push('largebins');
  any = false;
  for (let i = 64; i < 127; i++) any = dl(i, `${hx(i < 97 ? (i - 48) * 64 : i < 112 ? (i - 91) * 512 : (i - 110) * 4096)}-`, 'large') || any;
  if (!any) out.push('empty');
  return out.join('\n') + '\n';
}

export function visText(s: MState, count?: number): string {
  const P = peeker(s);
  const bins = binOf(s);
  const top = num(P(s.av + AV.top));
  const list = chunks(s);
  if (!list.length) return 'The heap has not been initialized yet (no malloc so far).\n';
  const shown = count !== undefined && count > 0 ? list.slice(0, count) : list;
  const lines: string[] = [];
  const ascii = (v: number | bigint) => {
    let x = BigInt(v), t = '';
    for (let i = 0; i < 8; i++) { const c = Number(x & 0xffn); t += c >= 32 && c < 127 ? String.fromCharCode(c) : '.'; x >>= 8n; }
    return t;
  };
  for (const c of shown) {
    const size = c.size - (c.size % 8);
    const end = c.addr === top ? c.addr + 16 : c.addr + Math.min(size, 0x200);
    for (let a = c.addr; a < end; a += 16) {
      const w0 = P(a), w1 = P(a + 8);
      let note = '';
      if (a === c.addr) {
        const b = bins.get(c.addr);
        if (c.addr === top) note = '\t <-- Top chunk';
        else if (b) note = `\t <-- ${b.label}`;
      }
      lines.push(`${hx(a)}\t0x${w0.toString(16).padStart(16, '0')}\t0x${w1.toString(16).padStart(16, '0')}\t${ascii(w0)}${ascii(w1)}${note}`);
    }
    if (c.addr !== top && size > 0x200) lines.push(`...\t(${hx(size - 0x200)} more bytes of this chunk)`);
    lines.push('');
  }
  return lines.join('\n') + '\n';
}
