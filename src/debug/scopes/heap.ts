// The Heap scope: main_arena (struct malloc_state) and mp_ (struct malloc_par) field by field,
// with the libc globals beside them and mallinfo2(), all read from libc's data in emulated
// memory, where glibc keeps them.
import { AV, LIBC_OFF, MP } from '../../machine/glibc/mstate';
import { hex } from '../values';
import { chunkVar } from './chunk';
import { container, leaf, named, type Children, type Ctx, type Variable } from './node';

const kib = (n: number): string => (n >= 1024 ? ` (${n % 1024 ? (n / 1024).toFixed(1) : n / 1024} KiB)` : '');

export function heapScope(ctx: Ctx): Children {
  const { ins } = ctx;
  const av = ins.av, mp = ins.mp;
  const w = (a: number): string => { const v = ins.word(a); return v === null ? '<not resident>' : hex(v); };
  const size = (a: number): string => { const v = ins.num(a); return Number.isNaN(v) ? w(a) : `${hex(v)}${kib(v)}`; };
  const i32 = (a: number): string => { const v = ins.u32(a); return v === null ? '<not resident>' : String(v | 0); };
  const ptr = (name: string, a: number, type: string, note = ''): Variable => {
    const v = ins.word(a);
    return leaf(name, v === null ? '<not resident>' : `${hex(v)}${note}`, { type, ...(v ? { memoryReference: hex(v) } : {}) });
  };
  const out: Variable[] = [];
  out.push(leaf('&main_arena', hex(av), { type: 'struct malloc_state *', memoryReference: hex(av) }));
  const top = ins.top;
  if (top && top !== ins.initialTop) out.push(chunkVar(ctx, top, 'top', 'av->top'));
  else out.push(ptr('av->top', av + AV.top, 'mchunkptr', ' (initial_top: the unsorted bin itself, no heap yet)'));
  out.push(ptr('av->last_remainder', av + AV.last_remainder, 'mchunkptr', ins.num(av + AV.last_remainder) ? ' (what the last split of a small request left)' : ''));
  out.push(leaf('av->system_mem', size(av + AV.system_mem), { type: 'size_t' }));
  out.push(leaf('av->max_system_mem', size(av + AV.max_system_mem), { type: 'size_t' }));
  out.push(binmapVar(ctx));
  out.push(leaf('av->have_fastchunks', i32(av + AV.have_fastchunks), { type: 'int' }));
  out.push(leaf('av->flags', flagsText(ins.u32(av + AV.flags)), { type: 'int' }));
  out.push(ptr('av->next', av + AV.next, 'struct malloc_state *', ins.num(av + AV.next) === av ? ' (main_arena: the only arena)' : ''));
  out.push(leaf('av->attached_threads', w(av + AV.attached_threads), { type: 'size_t' }));

  out.push(leaf('mp_.trim_threshold', size(mp + MP.trim_threshold), { type: 'unsigned long' }));
  out.push(leaf('mp_.top_pad', size(mp + MP.top_pad), { type: 'size_t' }));
  out.push(leaf('mp_.mmap_threshold', size(mp + MP.mmap_threshold), { type: 'size_t' }));
  out.push(leaf('mp_.arena_test', w(mp + MP.arena_test), { type: 'size_t' }));
  out.push(leaf('mp_.arena_max', w(mp + MP.arena_max), { type: 'size_t' }));
  out.push(leaf('mp_.n_mmaps', i32(mp + MP.n_mmaps), { type: 'int' }));
  out.push(leaf('mp_.n_mmaps_max', i32(mp + MP.n_mmaps_max), { type: 'int' }));
  out.push(leaf('mp_.max_n_mmaps', i32(mp + MP.max_n_mmaps), { type: 'int' }));
  out.push(leaf('mp_.no_dyn_threshold', i32(mp + MP.no_dyn_threshold), { type: 'int' }));
  out.push(leaf('mp_.mmapped_mem', size(mp + MP.mmapped_mem), { type: 'size_t' }));
  out.push(leaf('mp_.max_mmapped_mem', size(mp + MP.max_mmapped_mem), { type: 'size_t' }));
  out.push(ptr('mp_.sbrk_base', mp + MP.sbrk_base, 'char *'));
  out.push(leaf('mp_.tcache_bins', w(mp + MP.tcache_bins), { type: 'size_t' }));
  out.push(leaf('mp_.tcache_max_bytes', w(mp + MP.tcache_max_bytes), { type: 'size_t' }));
  out.push(leaf('mp_.tcache_count', w(mp + MP.tcache_count), { type: 'size_t' }));
  out.push(leaf('mp_.tcache_unsorted_limit', w(mp + MP.tcache_unsorted_limit), { type: 'size_t' }));

  out.push(leaf('global_max_fast', w(ins.libcData + LIBC_OFF.global_max_fast), { type: 'size_t' }));
  out.push(leaf('perturb_byte', i32(ins.libcData + LIBC_OFF.perturb_byte), { type: 'int' }));
  out.push(ptr('tcache', ins.tcacheVar, 'tcache_perthread_struct *'));
  out.push(leaf('tcache_key', w(ins.libcData + LIBC_OFF.tcache_key), { type: 'uintptr_t' }));
  out.push(leaf('__malloc_initialized', ins.initialized ? '1' : '0', { type: 'int' }));
  out.push(mallinfoVar(ctx));
  return named(out);
}

// NONCONTIGUOUS_BIT 2, ARENA_CORRUPTION_BIT 4 (malloc.c)
function flagsText(f: number | null): string {
  if (f === null) return '<not resident>';
  const names = [f & 2 ? 'NONCONTIGUOUS_BIT' : 'contiguous', ...(f & 4 ? ['ARENA_CORRUPTION_BIT'] : [])];
  return `${hex(f)} (${names.join(', ')})`;
}

// binmap: one bit per bin that may hold chunks, set by mark_bin and cleared lazily by malloc
function binmapVar(ctx: Ctx): Variable {
  const at = ctx.ins.av + AV.binmap;
  const words = [0, 1, 2, 3].map((i) => ctx.ins.u32(at + 4 * i) ?? 0);
  const marked = (i: number): number[] => { const out: number[] = []; for (let b = 0; b < 32; b++) if ((words[i] >>> b) & 1) out.push(32 * i + b); return out; };
  return container(ctx, 'av->binmap', `{${words.map((x) => hex(x)).join(', ')}}`, () => named(words.map((x, i) => {
    const bins = marked(i);
    return leaf(`[${i}]`, `${hex(x)}${bins.length ? ` (bins ${bins.join(', ')})` : ''}`, { type: 'unsigned int', memoryReference: hex(at + 4 * i) });
  })), { type: 'unsigned int [4]', memoryReference: hex(at) });
}

function mallinfoVar(ctx: Ctx): Variable {
  const mi = ctx.sc.glibc.mallinfo2();
  const fields: [string, string][] = [
    ['arena', 'non-mmapped space (av->system_mem)'], ['ordblks', 'free chunks in bins (top counted)'], ['smblks', 'free chunks in fastbins'],
    ['hblks', 'mmapped chunks'], ['hblkhd', 'bytes in mmapped chunks'], ['usmblks', 'always 0'], ['fsmblks', 'bytes in fastbins'],
    ['uordblks', 'bytes in use'], ['fordblks', 'free bytes'], ['keepcost', 'top-most releasable space'],
  ];
  const rec = mi as unknown as Record<string, number>;
  return container(ctx, 'mallinfo2()', `arena ${hex(rec.arena)}, in use ${hex(rec.uordblks)}, free ${hex(rec.fordblks)}`,
    () => named(fields.map(([k, why]) => leaf(k, `${rec[k]} (${why})`, { type: 'size_t' }))), { type: 'struct mallinfo2' });
}
