// Short, honest descriptions of what a pointer's chunk is now, for inline values and hovers,
// from the `heapstep/state` snapshot (the same one the views draw). No vscode import.
import type { BinList, Chunk, ChunkBin, HeapState } from '../protocol/state';

export const hexAddr = (n: number): string => '0x' + n.toString(16);

// The evaluate answer of a pointer starts with its value: `0x5555555592a0 → chunk 0x20 …`.
export function parsePointer(result: string): number | null {
  const m = /^\s*(0x[0-9a-f]+|\d+)\b/i.exec(result);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isSafeInteger(v) ? v : null;
}

// mem2chunk: the chunk header sits two size_t words before the user pointer.
export const mem2chunk = (state: HeapState, mem: number): number => mem - (state.arch === 'i386' ? 8 : 16);

export interface Found { chunk: Chunk; exact: boolean }

export function findChunk(state: HeapState, mem: number): Found | null {
  const p = mem2chunk(state, mem);
  for (const list of [state.chunks, state.mmapped]) {
    for (const c of list) {
      if (c.addr === p) return { chunk: c, exact: true };
      if (mem >= c.addr && mem < c.addr + c.size) return { chunk: c, exact: false };
    }
  }
  return null;
}

function binList(state: HeapState, bin: ChunkBin): BinList | undefined {
  const b = state.bins;
  const all = bin.kind === 'tcache' ? b.tcache : bin.kind === 'fastbin' ? b.fastbins : bin.kind === 'unsorted' ? b.unsorted : bin.kind === 'small' ? b.small : b.large;
  return all.find((l) => l.index === bin.index);
}

// `tcache[0x20] 1/7`, `fastbin[0x30]`, `unsorted`, `smallbin[0x90]`, `largebin[64]`
export function binLabel(state: HeapState, bin: ChunkBin): string {
  const l = binList(state, bin);
  if (!l) return bin.kind;
  return l.limit !== undefined ? `${l.label} ${l.count}/${l.limit}` : l.label;
}

function stateOf(state: HeapState, c: Chunk): string {
  if (c.state === 'top') return 'top';
  if (c.state === 'mmapped') return 'mmapped';
  if (c.bin) return binLabel(state, c.bin);
  return c.state === 'free' ? 'free' : 'in use';
}

// After an allocator call: `→ 0x5555555592a0 · chunk 0x20 · in use`.
export function allocLabel(state: HeapState, mem: number | null): string {
  if (mem === null) return '';
  if (mem === 0) return '→ NULL';
  const f = findChunk(state, mem);
  if (!f) return `→ ${hexAddr(mem)}`;
  if (!f.exact) return `→ ${hexAddr(mem)} · inside chunk ${hexAddr(f.chunk.addr)} (${stateOf(state, f.chunk)})`;
  return `→ ${hexAddr(mem)} · chunk ${hexAddr(f.chunk.size)} · ${stateOf(state, f.chunk)}`;
}

// After a free: where the chunk went, or what has become of it since.
export function freeLabel(state: HeapState, mem: number | null): string {
  if (mem === null) return '';
  if (mem === 0) return 'free(NULL): nothing to do';
  const f = findChunk(state, mem);
  if (!f) {
    const mapped = state.mappings.some((m) => mem >= m.start && mem < m.end);
    if (mapped) return `freed (${hexAddr(mem)} is no chunk now)`;
    // past brk but nearer to it than to the mmap area: it was a heap chunk that merged into top,
    // and systrim (or malloc_trim) lowered brk below it; otherwise an mmapped chunk, unmapped
    if (mem >= state.brk && mem - state.brk < (state.layout.mmapBase - state.brk) / 2) return 'freed → merged into top, then trimmed (brk lowered past it)';
    return 'freed → munmap (its mapping is gone)';
  }
  const c = f.chunk;
  if (c.state === 'top') return 'freed → merged into top';
  if (!f.exact) return c.bin || c.state === 'free' ? `freed → merged into ${hexAddr(c.addr)} · ${stateOf(state, c)}` : `freed; now inside chunk ${hexAddr(c.addr)} (in use)`;
  if (c.bin) return `freed → ${binLabel(state, c.bin)}`;
  if (c.state === 'mmapped') return `chunk ${hexAddr(c.size)} · mmapped, in use`;
  return `chunk ${hexAddr(c.size)} · in use (handed out again, or not freed yet)`;
}

// For a hover: the chunk behind a pointer, with its flag bits as pwndbg prints them.
export function chunkSummary(state: HeapState, mem: number): string | null {
  const f = findChunk(state, mem);
  if (!f) return null;
  const c = f.chunk, fl = c.flags;
  const bits = `${fl & 1 ? 'P' : '-'}${fl & 2 ? 'M' : '-'}${fl & 4 ? 'A' : '-'}`;
  const where = f.exact ? `chunk ${hexAddr(c.addr)}` : `inside chunk ${hexAddr(c.addr)} (+${mem - c.addr})`;
  const links = c.fd ? ` · fd ${c.fd.decoded}${c.fd.raw !== c.fd.decoded ? ` (raw ${c.fd.raw})` : ''}${c.bk ? ` · bk ${c.bk.decoded}` : ''}` : '';
  return `${where} · size ${hexAddr(c.size)} [${bits}] · ${stateOf(state, c)}${links}`;
}
