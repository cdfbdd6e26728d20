// The Bins scope, as pwndbg's `bins` groups them: the thread's tcache (64 bins with their
// counts), main_arena's fastbinsY, the unsorted bin, the small and the large bins. Each bin
// expands to its chunks in list order, the order malloc would hand them out.
import { AV, NFASTBINS, TCACHE_MAX_BINS } from '../../machine/glibc/mstate';
import { hex } from '../values';
import { chunkVar } from './chunk';
import { largebinMin, type BinChain } from './inspection';
import { container, leaf, list, named, ranges, type Children, type Ctx, type Variable } from './node';

function endNote(c: BinChain): string {
  switch (c.end) {
    case 'end': return '';
    case 'cycle': return `, then back to chunk ${hex(c.loopsTo ?? 0)} (a chunk freed twice, or a corrupted link)`;
    case 'bound': return ' (walk stopped: list too long)';
    case 'unreadable': return ' (the last link points at unreadable memory)';
  }
}

const chunksText = (n: number): string => `${n} chunk${n === 1 ? '' : 's'}`;

function chainValue(c: BinChain): string {
  const n = c.chunks.length;
  const chunks = chunksText(n);
  if (c.kind === 'tcache') {
    const count = c.count ?? 0;
    if (!count && !n) return 'empty';
    return `count ${count}${n !== count ? `, ${chunks} in the list` : ''}${endNote(c)}`;
  }
  return n ? `${chunks}${endNote(c)}` : 'empty';
}

export function binVar(ctx: Ctx, c: BinChain, name = c.label): Variable {
  const value = c.kind === 'large' ? `${chainValue(c)} (sizes from ${hex(largebinMin(c.index))})` : chainValue(c);
  if (!c.chunks.length) return leaf(name, value, { memoryReference: hex(c.head) });
  const items = ranges(ctx, list(c.chunks.length, (i) => chunkVar(ctx, c.chunks[i], 'heap')));
  return container(ctx, name, value, () => ({ named: [], indexed: items }), { memoryReference: hex(c.head), indexed: items.count });
}

const total = (chains: BinChain[]): number => chains.reduce((s, c) => s + c.chunks.length, 0);
const holding = (chains: BinChain[]): BinChain[] => chains.filter((c) => c.chunks.length || c.count);

export function binsScope(ctx: Ctx): Children {
  const b = ctx.ins.bins;
  const tc = ctx.ins.tcache;
  const out: Variable[] = [];
  out.push(tc
    ? container(ctx, 'tcache', `tcache_perthread_struct at ${hex(tc)}: ${chunksText(total(b.tcache))} in ${holding(b.tcache).length} of ${TCACHE_MAX_BINS} bins`,
      () => named(b.tcache.map((c) => binVar(ctx, c))), { type: 'tcache_perthread_struct *', memoryReference: hex(tc) })
    : leaf('tcache', '0x0 (NULL: tcache_init runs at the first malloc)', { type: 'tcache_perthread_struct *' }));
  out.push(container(ctx, 'fastbins', `${chunksText(total(b.fastbins))} in ${holding(b.fastbins).length} of ${NFASTBINS} bins`,
    () => named(b.fastbins.map((c) => binVar(ctx, c))), { type: 'mfastbinptr [10]', memoryReference: hex(ctx.ins.av + AV.fastbinsY) }));
  out.push(binVar(ctx, b.unsorted));
  out.push(groupVar(ctx, 'small', b.small));
  out.push(groupVar(ctx, 'large', b.large));
  return named(out);
}

// small and large bins: only the ones holding chunks are listed (most are empty)
function groupVar(ctx: Ctx, name: string, chains: BinChain[]): Variable {
  const full = holding(chains);
  const value = `${chunksText(total(chains))} in ${full.length} of ${chains.length} bins`;
  if (!full.length) return leaf(name, value);
  return container(ctx, name, value, () => named(full.map((c) => binVar(ctx, c))));
}
