// One chunk as a variable: struct malloc_chunk's fields read from the emulated bytes, with the
// links glibc keeps in a free chunk decoded the way glibc reads them (REVEAL_PTR for tcache and
// fastbin links) and the bin that holds it. Named `chunk 0x…` so that a data breakpoint on it
// watches its header.
import { AV, LIBC_OFF } from '../../machine/glibc/mstate';
import { hex } from '../values';
import { flagLetters, revealPtr, type Located } from './inspection';
import { container, leaf, type Ctx, type Variable } from './node';

export const mem2chunk = (mem: number): number => mem - 16;
export const chunk2mem = (p: number): number => p + 16;

const ptrLeaf = (name: string, value: string, target: bigint | number | null, type = 'struct malloc_chunk *'): Variable =>
  leaf(name, value, { type, ...(target !== null && BigInt(target) !== 0n ? { memoryReference: hex(target) } : {}) });

const text = (w: bigint | null): string => (w === null ? '<not resident>' : hex(w));

// main_arena's bins[] read as fake chunks: an fd/bk into the arena names the bin it is
function arenaNote(ctx: Ctx, w: bigint | null): string {
  if (w === null) return '';
  const off = Number(w) - ctx.ins.av;
  if (off < AV.bins - 16 || off >= AV.binmap) return '';
  const i = Math.floor((off - AV.bins + 16) / 16) + 1;
  return ` (main_arena+${off}: ${i === 1 ? 'the unsorted bin' : `bin_at(${i})`})`;
}

// The kind of chunk at `p` when the caller does not know it from a walk.
export function kindOf(ctx: Ctx, p: number): Located['kind'] {
  if (p === ctx.ins.heap.top) return 'top';
  return ctx.ins.mmapped.includes(p) ? 'mmapped' : 'heap';
}

export function chunkSummary(ctx: Ctx, p: number, kind: Located['kind']): string {
  const sizeField = ctx.ins.num(p + 8);
  if (Number.isNaN(sizeField)) {
    const w = ctx.ins.word(p + 8);
    return w === null ? 'header not resident' : `size field ${hex(w)} (corrupt)`;
  }
  const ref = kind === 'heap' ? ctx.ins.binOf(p) : undefined;
  const where = ref ? `${ref.chain.label}${ref.chain.chunks.length > 1 ? ` #${ref.pos + 1} of ${ref.chain.chunks.length}` : ''}` : ctx.ins.stateOf(p, kind);
  return `size ${hex(sizeField - (sizeField % 8))} [${flagLetters(sizeField)}] ${where}`;
}

export function chunkVar(ctx: Ctx, p: number, kind: Located['kind'] = kindOf(ctx, p), name = `chunk ${hex(p)}`): Variable {
  return container(ctx, name, chunkSummary(ctx, p, kind), () => ({ named: chunkFields(ctx, p, kind) }),
    { type: 'struct malloc_chunk', memoryReference: hex(p) });
}

export function chunkFields(ctx: Ctx, p: number, kind: Located['kind']): Variable[] {
  const { ins } = ctx;
  const prev = ins.word(p), sizeW = ins.word(p + 8);
  const sizeField = sizeW === null ? 0 : Number(sizeW & 0xffffffffn);
  const size = sizeW === null ? 0n : sizeW & ~7n;
  const out: Variable[] = [];
  const prevNote = kind === 'mmapped' ? ' (alignment slack before the chunk in its mapping)'
    : sizeField & 1 ? ' (PREV_INUSE: the previous chunk is in use, these are its last bytes)' : ' (size of the free chunk before)';
  out.push(leaf('prev_size', `${text(prev)}${prev === null ? '' : prevNote}`, { type: 'size_t' }));
  out.push(leaf('size', text(sizeW), { type: 'size_t' }));
  out.push(leaf('chunksize', sizeW === null ? '<not resident>' : hex(size), { type: 'size_t' }));
  out.push(leaf('A (NON_MAIN_ARENA)', String((sizeField >> 2) & 1)));
  out.push(leaf('M (IS_MMAPPED)', String((sizeField >> 1) & 1)));
  out.push(leaf('P (PREV_INUSE)', String(sizeField & 1)));
  out.push(ptrLeaf('mem', `${hex(chunk2mem(p))} (chunk2mem: what malloc returned)`, chunk2mem(p), 'void *'));
  const ref = kind === 'heap' ? ins.binOf(p) : undefined;
  out.push(leaf('bin', ref ? `${ref.chain.label}, position ${ref.pos + 1} of ${ref.chain.chunks.length}` : ins.stateOf(p, kind)));
  if (ref && (ref.chain.kind === 'tcache' || ref.chain.kind === 'fastbin')) {
    // safe-linking: the stored link is PROTECT_PTR(&link, next); glibc reads it with REVEAL_PTR
    const pos = p + 16, stored = ins.word(pos);
    const next = stored === null ? null : revealPtr(pos, stored);
    const linkName = ref.chain.kind === 'tcache' ? 'next (tcache_entry)' : 'fd';
    const target = next === null ? '<not resident>' : next === 0n ? '0x0 (end of the list)' : hex(next);
    out.push(ptrLeaf(linkName, `${target} (stored ${text(stored)}, REVEAL_PTR)`, next, ref.chain.kind === 'tcache' ? 'struct tcache_entry *' : undefined));
    if (ref.chain.kind === 'tcache') out.push(leaf('key (tcache_entry)', `${text(ins.word(p + 24))}${keyNote(ctx, ins.word(p + 24))}`, { type: 'uintptr_t' }));
  } else if (ref) {
    const fd = ins.word(p + 16), bk = ins.word(p + 24);
    out.push(ptrLeaf('fd', text(fd) + arenaNote(ctx, fd), fd));
    out.push(ptrLeaf('bk', text(bk) + arenaNote(ctx, bk), bk));
    if (ref.chain.kind === 'large') {
      const fn = ins.word(p + 32), bn = ins.word(p + 40);
      out.push(ptrLeaf('fd_nextsize', text(fn), fn));
      out.push(ptrLeaf('bk_nextsize', text(bn), bn));
    }
  } else if (kind === 'heap' || kind === 'mmapped') {
    const usable = kind === 'mmapped' ? size - 16n : size - 8n;
    out.push(leaf('usable', `${usable >= 0n ? usable : 0n} bytes (malloc_usable_size)`));
    out.push(leaf('data', dataPreview(ctx, chunk2mem(p), 16), { memoryReference: hex(chunk2mem(p)) }));
  }
  return out;
}

function keyNote(ctx: Ctx, key: bigint | null): string {
  const tk = ctx.ins.word(ctx.ins.libcData + LIBC_OFF.tcache_key);
  if (key === null || tk === null) return '';
  return key === tk ? ' (= tcache_key: free checks this chunk for a double free)' : ' (≠ tcache_key)';
}

// The first bytes of user data, as gdb's x/16xb would list them and as text.
export function dataPreview(ctx: Ctx, a: number, n: number): string {
  const b = ctx.ins.bytes(a, n);
  if (!b) return '<not resident>';
  const hx = [...b].map((c) => c.toString(16).padStart(2, '0')).join(' ');
  const t = [...b].map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.')).join('');
  return `${hx}  |${t}|`;
}
