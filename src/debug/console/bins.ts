// Where a chunk is, from the allocator's read-only state (ORACLE.md's shape: offsets from the
// heap base, chunk starts, lists in glibc's order): which bin and where in it, or top.
import type { OracleState } from '../../machine/glibc/types';

export type PlaceKind = 'tcache' | 'fastbin' | 'unsorted' | 'smallbin' | 'largebin' | 'top';
export interface Place { kind: PlaceKind; chunk: number; size: number; index: number; position: number; length: number; count?: number }

const hx = (n: number) => '0x' + n.toString(16);
const sizeOnly = (field: number) => field - (field % 8);

function sizes(st: OracleState): Map<number, number> {
  const m = new Map<number, number>();
  for (const [off, size] of st.heap) m.set(off, sizeOnly(Number(size)));
  return m;
}

// Every free chunk the allocator can find, with its bin (top included).
export function freePlaces(st: OracleState, base: number): Place[] {
  const size = sizes(st);
  const out: Place[] = [];
  const add = (kind: PlaceKind, index: number, list: number[], count?: number) =>
    list.forEach((off, i) => out.push({ kind, chunk: base + off, size: size.get(off) ?? 0, index, position: i + 1, length: list.length, count }));
  for (const [i, list] of Object.entries(st.tcache?.chains ?? {})) add('tcache', Number(i), list, st.tcache!.counts[Number(i)]);
  for (const [i, list] of Object.entries(st.fastbins)) add('fastbin', Number(i), list);
  add('unsorted', 1, st.unsorted);
  for (const [i, list] of Object.entries(st.smallbins)) add('smallbin', Number(i), list);
  for (const [i, list] of Object.entries(st.largebins)) add('largebin', Number(i), list);
  if (st.arena.top !== null) out.push({ kind: 'top', chunk: base + st.top[0], size: sizeOnly(Number(st.top[1])), index: 0, position: 1, length: 1 });
  return out;
}

// The bins a chunk starting at `chunk` is listed in (a corrupted heap can list it twice).
export function placesOf(st: OracleState, base: number, chunk: number): Place[] {
  return freePlaces(st, base).filter((p) => p.chunk === chunk);
}

// The free chunk (or top) whose bytes include `addr`.
export function placeContaining(st: OracleState, base: number, addr: number): Place | null {
  return freePlaces(st, base).find((p) => addr >= p.chunk && addr < p.chunk + Math.max(p.size, 16)) ?? null;
}

// Chunk starts of the main heap, top included.
export function chunkStarts(st: OracleState, base: number): Set<number> {
  const s = new Set(st.heap.map(([off]) => base + off));
  if (st.arena.top !== null) s.add(base + st.top[0]);
  return s;
}

export function placeText(p: Place): string {
  const where = p.length > 1 ? `, entry ${p.position} of ${p.length}` : '';
  switch (p.kind) {
    case 'tcache': return `tcache bin ${p.index} (tcachebins[${hx(32 + 16 * p.index)}]${where}; count ${p.count ?? p.length})`;
    case 'fastbin': return `fastbin ${p.index} (fastbins[${hx(32 + 16 * p.index)}]${where})`;
    case 'unsorted': return `the unsorted bin${p.length > 1 ? ` (entry ${p.position} of ${p.length})` : ''}`;
    case 'smallbin': return `small bin ${p.index} (smallbins[${hx(16 * p.index)}]${where})`;
    case 'largebin': return `large bin ${p.index}${p.length > 1 ? ` (entry ${p.position} of ${p.length})` : ''}`;
    case 'top': return 'the top chunk (av->top)';
  }
}
