// `chunk EXPR` (pwndbg's malloc_chunk): one chunk's struct malloc_chunk fields read from
// emulated memory, the flag bits spelled out, the tcache and fastbin links decoded (safe
// linking, glibc >= 2.32), and the bin the chunk is listed in.
//
// pwndbg's argument is the chunk's address (its prev_size field). A scenario's variables hold
// the pointers malloc returned, 16 bytes further on; when the heap walk shows EXPR is such a
// pointer, the chunk before it is meant, and the answer says so.
import type { Scenario } from '../../machine/scenario';
import { peek } from './debug-memory';
import { chunkStarts, placesOf, placeText, type Place } from './bins';

const hx = (n: number | bigint) => '0x' + n.toString(16);
const MASK64 = (1n << 64n) - 1n;

function word(sc: Scenario, a: number): bigint | null {
  const b = peek(sc, a, 8);
  if (!(b instanceof Uint8Array)) return null;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

// glibc's REVEAL_PTR: the stored link XORed with the page number of the field holding it.
export const revealPtr = (pos: number, stored: bigint): bigint => (BigInt(Math.floor(pos / 4096)) ^ stored) & MASK64;

function mmappedChunkAt(sc: Scenario, p: number): boolean {
  const size = word(sc, p + 8), prev = word(sc, p);
  if (size === null || prev === null || !(size & 2n)) return false;
  return (BigInt(p) - prev) % 4096n === 0n && ((prev + (size & ~7n)) % 4096n) === 0n;
}

export interface ResolvedChunk { chunk: number; note: string }

export function resolveChunk(sc: Scenario, a: number): ResolvedChunk {
  const starts = chunkStarts(sc.glibc.state(), sc.proc.layout.heapBase);
  if (starts.has(a) || mmappedChunkAt(sc, a)) return { chunk: a, note: '' };
  if (starts.has(a - 16) || mmappedChunkAt(sc, a - 16)) return { chunk: a - 16, note: `(${hx(a)} is the pointer malloc returned: its chunk starts 0x10 bytes before)` };
  return { chunk: a, note: `(no chunk the heap walk knows starts at ${hx(a)}: its bytes are read as a chunk anyway)` };
}

function flagText(size: bigint): string {
  const names: string[] = [];
  if (size & 1n) names.push('PREV_INUSE');
  if (size & 2n) names.push('IS_MMAPPED');
  if (size & 4n) names.push('NON_MAIN_ARENA');
  return names.length ? ' | ' + names.join(' | ') : '';
}

export function chunkText(sc: Scenario, a: number): string {
  const { chunk: p, note } = resolveChunk(sc, a);
  const f = (off: number) => word(sc, p + off);
  const prevSize = f(0), size = f(8);
  if (prevSize === null || size === null) return `Cannot access memory at address ${hx(p)}: no chunk header can be read there`;
  const st = sc.glibc.state();
  const places = placesOf(st, sc.proc.layout.heapBase, p);
  const csize = size & ~7n;
  const kind = places[0]?.kind;
  const title = kind === 'top' ? 'Top chunk' : places.length ? `Free chunk (${binsName(places[0])})` : 'Allocated chunk';
  const lines: string[] = [];
  if (note) lines.push(note);
  lines.push(`${title}${flagText(size)}`, `Addr: ${hx(p)}`);
  lines.push(`prev_size: ${hx(prevSize)}${prevSizeNote(sc, p, size, prevSize)}`);
  lines.push(`Size: ${hx(csize)} (with flag bits: ${hx(size)}) [A:${Number((size >> 2n) & 1n)} M:${Number((size >> 1n) & 1n)} P:${Number(size & 1n)}]`);
  const fd = f(16), bk = f(24), fdn = f(32), bkn = f(40);
  const raw = (v: bigint | null) => (v === null ? '<not resident>' : hx(v));
  if (kind === 'tcache' || kind === 'fastbin') {
    const link = fd === null ? '<not resident>' : `${hx(fd)} (safe-linking: REVEAL_PTR gives ${hx(revealPtr(p + 16, fd))}${kind === 'tcache' && fd !== 0n ? ', the next entry\'s user pointer' : ''})`;
    lines.push(`fd: ${link}`);
    lines.push(`bk: ${raw(bk)}${kind === 'tcache' ? ' (e->key: tcache_key, how free spots a double free)' : ''}`);
  } else if (kind && kind !== 'top') {
    lines.push(`fd: ${raw(fd)}`, `bk: ${raw(bk)}`);
  } else {
    lines.push(`fd: ${raw(fd)}${kind === 'top' ? '' : ' (user data: the chunk is in use)'}`, `bk: ${raw(bk)}`);
  }
  lines.push(`fd_nextsize: ${raw(fdn)}${kind === 'largebin' ? '' : ' (only a large bin chunk uses it)'}`, `bk_nextsize: ${raw(bkn)}`);
  if (places.length) for (const pl of places) lines.push(`In: ${placeText(pl)}`);
  else if (size & 2n) lines.push(`In: its own mapping (mmapped; usable ${hx(csize - 16n)} bytes)`);
  else {
    const next = word(sc, p + Number(csize) + 8);
    const inUse = next !== null && (next & 1n) === 1n;
    lines.push(inUse ? `In: no bin (in use; usable ${hx(csize - 8n)} bytes)` : `In: no bin, yet the next chunk's PREV_INUSE bit is clear`);
  }
  return lines.join('\n');
}

function binsName(p: Place): string {
  return p.kind === 'tcache' ? 'tcachebins' : p.kind === 'fastbin' ? 'fastbins' : p.kind === 'unsorted' ? 'unsortedbin' : p.kind === 'smallbin' ? 'smallbins' : 'largebins';
}

function prevSizeNote(sc: Scenario, p: number, size: bigint, prevSize: bigint): string {
  if (size & 2n) return ' (alignment slack before the chunk in its mapping)';
  if (size & 1n) return prevSize ? ' (the previous chunk is in use: these bytes are its user data)' : '';
  return ` (the previous chunk is free: it starts at ${hx(BigInt(p) - prevSize)})`;
}
