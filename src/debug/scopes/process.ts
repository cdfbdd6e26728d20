// The Process scope: the kernel's view of this one process (mm_struct and task counters), as
// /proc/self/status and /proc/self/stat report them. The only other tasks are `#pragma hog`
// processes, which allocate before the program starts, so every allocation stall is its own.
import { hex } from '../values';
import { pages, sizeText } from './mappings';
import { leaf, named, type Children, type Ctx } from './node';

const PAGE = 4096;
const bytes = (n: number): string => `${n} bytes (${pages(n / PAGE)})`;

export function processScope(ctx: Ctx): Children {
  const p = ctx.sc.proc;
  const c = p.counters();
  const brk = p.brkNow(), base = p.layout.heapBase;
  return named([
    leaf('brk', hex(brk), { type: 'unsigned long', memoryReference: hex(brk) }),
    leaf('start_brk', hex(base), { type: 'unsigned long', memoryReference: hex(base) }),
    leaf('heap size', `${hex(brk - base)} (${sizeText(brk - base)})`),
    leaf('RSS', bytes(c.rss)),
    leaf('RssAnon', bytes(c.rssAnon)),
    leaf('RssFile', bytes(c.rssFile)),
    leaf('RssShmem', bytes(c.rssShmem)),
    leaf('VSZ', `${c.vsz} bytes (${sizeText(c.vsz)})`),
    leaf('minflt', String(c.minflt)),
    leaf('majflt', String(c.majflt)),
    leaf('syscalls', String(c.syscalls)),
    leaf('VmSwap', `${c.swapUsed} bytes (${c.swapUsed / PAGE} swap entries: a touch of one is a major fault)`),
    leaf('allocstall', `${ctx.sc.proc.pressure().allocstall} (page faults that stalled in direct reclaim)`),
    leaf('VmPTE', `${c.pageTableFrames * PAGE} bytes (${c.pageTableFrames} page-table frames)`),
  ]);
}
