// The Chunks scope: every chunk in address order, as pwndbg's `heap` walks them (from
// mp_.sbrk_base by chunksize to av->top), then the mmapped chunks, each in its own mapping
// above the heap. Long heaps come in ranges of 100 that are built only when opened.
import { hex } from '../values';
import { chunkVar } from './chunk';
import { leaf, list, ranges, type Children, type Ctx, type Variable } from './node';

export function chunksScope(ctx: Ctx): Children {
  const walk = ctx.ins.heap;
  const mm = ctx.ins.mmapped;
  const n = walk.chunks.length;
  const named: Variable[] = [leaf('summary', summary(ctx))];
  if (walk.stop) named.push(leaf('walk stopped', walk.stop));
  const all = list(n + mm.length, (i) => (i < n
    ? chunkVar(ctx, walk.chunks[i], walk.chunks[i] === walk.top ? 'top' : 'heap')
    : chunkVar(ctx, mm[i - n], 'mmapped')));
  return { named, indexed: ranges(ctx, all) };
}

function summary(ctx: Ctx): string {
  const walk = ctx.ins.heap;
  const mm = ctx.ins.mmapped.length;
  if (!walk.chunks.length && !mm) return 'no heap yet (no malloc so far)';
  const from = walk.chunks.length ? `${walk.chunks.length} in [heap] ${hex(walk.chunks[0])}..${hex(ctx.ins.brk)}` : 'none in [heap]';
  return `${from}${mm ? `, ${mm} mmapped` : ''}`;
}
