// Memory pressure in the Machine scope: /proc/meminfo and /proc/vmstat line by line, with the
// names and units Linux prints (so a value reads the same as the scenario's meminfo() or
// vmevent()), the zone watermarks with where free memory stands against them, and the last
// reclaim actions. All read from the process's pressure() view, which changes nothing.
import { pageActionText, type MemoryPressure, type ReclaimLogEntry } from '../../machine/kernel/pressure';
import { pages } from './mappings';
import { container, leaf, list, named, type Children, type Ctx, type Variable } from './node';

const field = (fields: [string, number][], name: string): number => fields.find(([k]) => k === name)?.[1] ?? 0;

export function meminfoVar(ctx: Ctx, p: MemoryPressure): Variable {
  const m = p.meminfo;
  const value = `MemFree ${field(m, 'MemFree')} kB, Cached ${field(m, 'Cached')} kB, Dirty ${field(m, 'Dirty')} kB, swap used ${field(m, 'SwapTotal') - field(m, 'SwapFree')} kB`;
  return container(ctx, 'meminfo', value, () => named(m.map(([k, v]) => leaf(k, `${v} kB`))), { type: '/proc/meminfo' });
}

export function vmstatVar(ctx: Ctx, p: MemoryPressure): Variable {
  const s = p.vmstat;
  const picked = ['pgmajfault', 'pswpout', 'allocstall', 'oom_kill'].map((k) => `${k} ${field(s, k)}`).join(', ');
  return container(ctx, 'vmstat', picked, () => named(s.map(([k, v]) => leaf(k, String(v)))), { type: '/proc/vmstat' });
}

// Where free memory stands, as the page allocator decides it (allocFrame / __alloc_pages_slowpath).
function standing(free: number, w: MemoryPressure['watermarks']): string {
  if (free <= w.min) return 'at or below min: an allocation reclaims for itself (a stall)';
  if (free <= w.low) return 'at or below low: the next allocation wakes kswapd';
  if (free < w.high) return 'below high: kswapd, once awake, reclaims up to high';
  return 'at or above high: kswapd sleeps';
}

export function watermarksVar(ctx: Ctx, p: MemoryPressure): Variable {
  const w = p.watermarks, free = p.freePages;
  const kb = (n: number): string => `${pages(n)} (${n * 4} kB)`;
  return container(ctx, 'watermarks', `min ${w.min}, low ${w.low}, high ${w.high} pages; free ${free}`, () => named([
    leaf('min', `${kb(w.min)}: min_free_kbytes, the reserve only direct reclaim may dip into`),
    leaf('low', `${kb(w.low)}: below it kswapd is woken`),
    leaf('high', `${kb(w.high)}: kswapd reclaims until free pages reach it`),
    leaf('nr_free_pages', `${kb(free)}: ${standing(free, w)}`),
  ]), { type: 'struct zone' });
}

function range(e: ReclaimLogEntry, page: boolean): string {
  if (e.first === undefined) return '';
  const at = (n: number): string => (page ? `0x${n.toString(16)}` : `${e.file ?? ''}:${n}`);
  return ` (${e.first === e.last || e.last === undefined ? at(e.first) : `${at(e.first)} .. ${at(e.last)}`})`;
}

// One entry as the CLI's trace words it.
export function reclaimText(e: ReclaimLogEntry): string {
  const by = e.by ? `${e.by}: ` : '';
  const n = `${e.count} page${e.count === 1 ? '' : 's'}`;
  switch (e.action) {
    case 'swapout': case 'drop': case 'writeback': return `${by}${n} ${pageActionText(e.action, e.by)}${range(e, e.action === 'swapout')}`;
    case 'kswapd_wake': return `kswapd wake: ${e.detail ?? ''}`;
    case 'kswapd_sleep': return `kswapd sleep: ${e.detail ?? ''}`;
    case 'direct_reclaim': return `direct reclaim: ${e.detail ?? ''}`;
    case 'oom_kill': return `OOM killer: ${e.detail ?? ''}`;
  }
}

export function reclaimVar(ctx: Ctx, p: MemoryPressure): Variable {
  const log = p.reclaim;
  if (!log.length) return leaf('reclaim events', 'none so far');
  const lastOne = log[log.length - 1];
  const items = list(log.length, (i) => leaf(`[${i}]`, `step ${log[i].step}: ${reclaimText(log[i])}`));
  return container(ctx, 'reclaim events', `${log.length} most recent, oldest first; last at step ${lastOne.step}: ${lastOne.action}`,
    (): Children => ({ named: [], indexed: items }), { indexed: items.count });
}
