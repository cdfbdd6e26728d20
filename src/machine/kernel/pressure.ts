// Read-only views of memory pressure for the debugger and the webviews: what each page of an
// area is now (resident anonymous, in the page cache clean or dirty, in swap, not present),
// /proc/meminfo and /proc/vmstat as name/value pairs, the zone watermarks, and the last reclaim
// actions. Nothing here changes the machine: no fault, no LRU movement, no counter.
import type { ReclaimEvent } from '../events';
import { keyIndex } from './fs';
import { PAGE } from './layout';
import type { Mm } from './mm';
import { meminfoFields, vmstatFields } from './procfs';
import type { Watermarks } from './vmstat';

// anon: a resident anonymous page (or a private copy of a file page); file / dirty: a page of
// the area's file in the page cache, as new as the disk or newer (PG_dirty); swap: a swap
// entry in the pte; none: never touched, or dropped since (the next touch faults).
export type PageClass = 'anon' | 'file' | 'dirty' | 'swap' | 'none';
export interface PageRun { cls: PageClass; pages: number }

// Consecutive events of one action by one reclaimer at one step are one entry (kswapd dropping
// 53 pages is one line, as the CLI prints it).
export interface ReclaimLogEntry {
  step: number;
  action: ReclaimEvent['action'];
  by?: string;
  count: number;
  detail?: string;
  file?: string;
  first?: number;            // swapout: the first page's address; drop/writeback: its file index
  last?: number;
}

export interface MemoryPressure {
  meminfo: [string, number][];      // /proc/meminfo, kB
  vmstat: [string, number][];       // /proc/vmstat
  watermarks: Watermarks;           // pages
  freePages: number;
  allocstall: number;               // direct reclaim stalls (the one process's)
  reclaim: ReclaimLogEntry[];       // oldest first
}

const LOG_SIZE = 32;

// What reclaim did to a page, in the words the CLI's trace and the Machine scope share: a dirty
// page that kswapd or direct reclaim took was written back first, then dropped.
export function pageActionText(action: 'swapout' | 'drop' | 'writeback', by: string | undefined): string {
  if (action === 'swapout') return 'swapped out';
  if (action === 'drop') return 'dropped (clean page cache)';
  return by === 'kswapd' || by === 'direct' ? 'written back, then dropped (dirty page cache)' : 'written back';
}

export class ReclaimLog {
  entries: ReclaimLogEntry[] = [];

  add(e: ReclaimEvent, step: number): void {
    const at = e.action === 'swapout' ? e.page : e.index;
    const prev = this.entries[this.entries.length - 1];
    if (prev && prev.step === step && prev.action === e.action && prev.by === e.by && prev.file === e.file && !e.detail) {
      prev.count++;
      if (at !== undefined) prev.last = at;
      return;
    }
    const entry: ReclaimLogEntry = { step, action: e.action, count: 1 };
    if (e.by) entry.by = e.by;
    if (e.detail) entry.detail = e.detail;
    if (e.file) entry.file = e.file;
    if (at !== undefined) { entry.first = at; entry.last = at; }
    this.entries.push(entry);
    if (this.entries.length > LOG_SIZE) this.entries.splice(0, this.entries.length - LOG_SIZE);
  }

  clone(): ReclaimLog {
    const c = new ReclaimLog();
    c.entries = this.entries.map((e) => ({ ...e }));
    return c;
  }
}

export function memoryPressure(mm: Mm, log: ReclaimLog): MemoryPressure {
  return {
    meminfo: meminfoFields(mm), vmstat: vmstatFields(mm), watermarks: { ...mm.wmark },
    freePages: mm.phys.freeFrames, allocstall: mm.ev.allocstall, reclaim: log.entries.map((e) => ({ ...e })),
  };
}

// The pages of [start, end) (one area) by class, in address order. A sparse area (an 8 GiB
// mapping with a few pages touched) is read from the reverse maps rather than page by page.
export function pageRuns(mm: Mm, start: number, end: number): PageRun[] {
  const first = Math.floor(start / PAGE), last = Math.ceil(end / PAGE);
  const v = mm.vmas.find(start);
  const file = v && v.file && v.vm_start <= start ? v : undefined;
  const classOf = (vpn: number): PageClass => {
    if (mm.resident.has(vpn)) return 'anon';
    if (mm.swapped.has(vpn)) return 'swap';
    if (file) {
      const p = mm.cache.find(file.file!.ino, (file.pgoff + vpn * PAGE - file.vm_start) / PAGE);
      if (p) return p.dirty ? 'dirty' : 'file';
    }
    return 'none';
  };
  const runs: PageRun[] = [];
  const push = (cls: PageClass, n: number): void => {
    if (n <= 0) return;
    const r = runs[runs.length - 1];
    if (r && r.cls === cls) r.pages += n; else runs.push({ cls, pages: n });
  };
  const n = last - first;
  const known = mm.resident.size + mm.swapped.size + (file ? mm.cache.size : 0);
  if (n <= 65536 || n <= 4 * known) {
    for (let vpn = first; vpn < last; vpn++) push(classOf(vpn), 1);
    return runs;
  }
  const vpns: number[] = [];
  for (const vpn of mm.resident.keys()) if (vpn >= first && vpn < last) vpns.push(vpn);
  for (const vpn of mm.swapped.keys()) if (vpn >= first && vpn < last) vpns.push(vpn);
  if (file) {
    for (const p of mm.cache.pagesOf(file.file!.ino)) {
      const vpn = file.vm_start / PAGE + keyIndex(p.key) - file.pgoff / PAGE;
      if (vpn >= first && vpn < last) vpns.push(vpn);
    }
  }
  const sorted = [...new Set(vpns)].sort((a, b) => a - b);
  let at = first;
  for (const vpn of sorted) { push('none', vpn - at); push(classOf(vpn), 1); at = vpn + 1; }
  push('none', last - at);
  return runs;
}
