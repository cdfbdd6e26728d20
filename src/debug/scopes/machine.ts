// The Machine scope: what the whole emulated computer has and does, as /proc/meminfo and
// /proc/sys/vm report it, and the TLB's counters; then memory pressure in full (pressure.ts):
// meminfo, vmstat, the watermarks and the last reclaim actions.
import { sizeText } from './mappings';
import { leaf, named, type Children, type Ctx } from './node';
import { meminfoVar, reclaimVar, vmstatVar, watermarksVar } from './pressure';

const PAGE = 4096;
const OVERCOMMIT = ['heuristic: refuse only requests larger than RAM + swap', 'always: never refuse', 'never: refuse beyond CommitLimit'];

export function machineScope(ctx: Ctx): Children {
  const { config } = ctx.sc;
  const c = ctx.sc.proc.counters();
  const swapTotal = config.swap - (config.swap % PAGE);
  const p = ctx.sc.proc.pressure();
  return named([
    leaf('arch', config.arch),
    leaf('glibc', config.glibc),
    leaf('MemTotal', `${c.totalFrames * PAGE} bytes (${sizeText(c.totalFrames * PAGE)}, ${c.totalFrames} frames)`),
    leaf('MemFree', `${c.freeFrames * PAGE} bytes (${c.freeFrames} free frames)`),
    leaf('SwapTotal', `${swapTotal} bytes${swapTotal ? ` (${sizeText(swapTotal)})` : ''}`),
    leaf('SwapFree', `${swapTotal - c.swapUsed} bytes`),
    leaf('vm.overcommit_memory', `${config.overcommit} (${OVERCOMMIT[config.overcommit]})`),
    leaf('CommitLimit', `${c.commitLimit} bytes (${sizeText(c.commitLimit)})`),
    leaf('Committed_AS', `${c.committed} bytes (${sizeText(c.committed)})`),
    leaf('TLB hits', String(c.tlbHits)),
    leaf('TLB misses', String(c.tlbMisses)),
    leaf('ASLR', config.aslr ? `on (seed ${config.seed})` : 'off'),
    meminfoVar(ctx, p),
    vmstatVar(ctx, p),
    watermarksVar(ctx, p),
    reclaimVar(ctx, p),
  ]);
}
