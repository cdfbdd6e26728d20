// Page reclaim (mm/vmscan.c) and the allocator's slow path (mm/page_alloc.c): the watermark
// checks, kswapd woken below `low` and reclaiming to `high` between steps, direct reclaim when
// an allocation would go below `min` (an allocation stall), and the OOM killer when reclaim
// makes no progress. Reclaim scans the lruvec's four lists from their cold ends: clean file
// pages are dropped, dirty ones written back first, anonymous pages go to swap when it has
// room; pages referenced since the last scan are activated instead.
import { PTE_A, PTE_D, PTE_P, PTE_PROTNONE, PTE_RW } from '../memory/mmu';
import { MachineSignal } from '../signals';
import { keyIndex, keyIno } from './fs';
import { PAGE } from './layout';
import type { Mm } from './mm';
import type { CachePage } from './pagecache';

export const SWAP_CLUSTER_MAX = 32;
const DEF_PRIORITY = 12;
const MAX_RECLAIM_RETRIES = 16;

export type Reclaimer = 'kswapd' | 'direct';

// __alloc_pages_slowpath for an order-0 page, entered when free pages are at or below `low`.
export function allocSlow(mm: Mm): number {
  const phys = mm.phys, w = mm.wmark;
  wakeupKswapd(mm);
  if (phys.freeFrames > w.min) return phys.alloc();
  // Below min only the allocator's own reclaim can help: the step stalls here.
  mm.ev.allocstall++;
  const steal0 = mm.ev.pgsteal_direct, scan0 = mm.ev.pgscan_direct;
  for (let retry = 0; retry < MAX_RECLAIM_RETRIES; retry++) {
    const got = shrinkNode(mm, SWAP_CLUSTER_MAX, 'direct');
    if (phys.freeFrames > w.min || got === 0) break;
  }
  mm.sink?.({ event: 'reclaim', action: 'direct_reclaim', by: 'direct',
    detail: `allocation stall: free ${phys.freeFrames} pages at min ${w.min}; reclaimed ${mm.ev.pgsteal_direct - steal0} of ${mm.ev.pgscan_direct - scan0} scanned` });
  if (phys.freeFrames > w.min) return phys.alloc();
  outOfMemory(mm);
  return mm.allocFrame();
}

// wakeup_kswapd: not again after MAX_RECLAIM_RETRIES runs in a row that freed nothing (the
// node is "hopeless" until some reclaim succeeds), so a full machine is not scanned each step.
function wakeupKswapd(mm: Mm): void {
  if (mm.kswapdPending || mm.kswapdFailures >= MAX_RECLAIM_RETRIES) return;
  mm.kswapdPending = true;
  mm.ev.kswapd_wakeups++;
  mm.wake?.(mm.clock());
}

// balance_pgdat: reclaim until free pages reach the high watermark (or nothing more can go).
export function kswapd(mm: Mm): void {
  mm.kswapdPending = false;
  const w = mm.wmark, free0 = mm.phys.freeFrames;
  if (free0 >= w.high) return;
  const steal0 = mm.ev.pgsteal_kswapd, scan0 = mm.ev.pgscan_kswapd;
  mm.sink?.({ event: 'reclaim', action: 'kswapd_wake', by: 'kswapd', detail: `free ${free0} pages < low ${w.low}: reclaiming to high ${w.high}` });
  while (mm.phys.freeFrames < w.high) {
    if (shrinkNode(mm, Math.max(SWAP_CLUSTER_MAX, w.high - mm.phys.freeFrames), 'kswapd') === 0) break;
  }
  if (mm.ev.pgsteal_kswapd === steal0) mm.kswapdFailures++;
  mm.sink?.({ event: 'reclaim', action: 'kswapd_sleep', by: 'kswapd',
    detail: `free ${mm.phys.freeFrames} pages; reclaimed ${mm.ev.pgsteal_kswapd - steal0} of ${mm.ev.pgscan_kswapd - scan0} scanned` });
}

// shrink_node: priorities from DEF_PRIORITY down to 0, each scanning (list size >> priority)
// pages split between anon and file as get_scan_count decides, in batches of
// SWAP_CLUSTER_MAX taken from file and anon in turn (shrink_lruvec), until enough are
// reclaimed.
export function shrinkNode(mm: Mm, nrToReclaim: number, who: Reclaimer): number {
  let reclaimed = 0;
  for (let prio = DEF_PRIORITY; prio >= 0 && reclaimed < nrToReclaim; prio--) {
    let { anon, file } = getScanCount(mm, prio);
    while ((anon || file) && reclaimed < nrToReclaim) {
      const f = Math.min(file, SWAP_CLUSTER_MAX), a = Math.min(anon, SWAP_CLUSTER_MAX);
      file -= f; anon -= a;
      if (f) reclaimed += shrinkList(mm, 'file', f, who);
      if (a && reclaimed < nrToReclaim) reclaimed += shrinkList(mm, 'anon', a, who);
    }
  }
  if (reclaimed) mm.kswapdFailures = 0;
  return reclaimed;
}

export function swapRoom(mm: Mm): number { return mm.swapSlots - mm.swapped.size; }

// get_scan_count: no swap (or none left) means file pages only; plenty of inactive page cache
// (cache_trim_mode) also spares the anonymous working set; page cache smaller than the high
// watermark leaves only anon; otherwise swappiness weighs anon against file (ap : fp =
// swappiness : 200 - swappiness).
export function getScanCount(mm: Mm, prio: number): { anon: number; file: number } {
  const anonSize = mm.resident.size, fileSize = mm.cache.size;
  const fileScan = fileSize >> prio || (prio === 0 ? fileSize : 0);
  const anonScan = anonSize >> prio || (prio === 0 ? anonSize : 0);
  if (swapRoom(mm) <= 0 || anonSize === 0) return { anon: 0, file: fileScan };
  if (mm.swappiness === 0 && fileSize > 0) return { anon: 0, file: fileScan };
  const inactiveFile = mm.cache.inactive.size;
  if (inactiveFile >> prio && !inactiveIsLow(inactiveFile, mm.cache.active.size)) return { anon: 0, file: fileScan };
  if (fileSize + mm.phys.freeFrames <= mm.wmark.high) return { anon: anonScan, file: 0 };
  const ap = mm.swappiness, fp = 200 - mm.swappiness;
  return { anon: Math.ceil(anonScan * ap / (ap + fp)), file: Math.ceil(fileScan * fp / (ap + fp)) };
}

// inactive_is_low: the inactive list should hold at least 1/ratio of the type's pages, ratio
// being sqrt(10 * GiB of that type) (1 below a GiB).
export function inactiveIsLow(inactive: number, active: number): boolean {
  const gb = (inactive + active) >> 18;
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

function shrinkList(mm: Mm, type: 'anon' | 'file', nr: number, who: Reclaimer): number {
  if (type === 'file') {
    if (inactiveIsLow(mm.cache.inactive.size, mm.cache.active.size)) shrinkActiveFile(mm, nr);
    return shrinkInactiveFile(mm, nr, who);
  }
  if (inactiveIsLow(mm.resident.size - mm.activeAnon.size, mm.activeAnon.size)) shrinkActiveAnon(mm, nr);
  return shrinkInactiveAnon(mm, nr, who);
}

// A page's young bits across its mappings, cleared as they are read (page_referenced).
function referencedPtes(mm: Mm, vpns: number[]): number {
  let n = 0;
  for (const vpn of vpns) {
    const e = mm.mmu.getPte(vpn * PAGE);
    if (e && (e.lo & (PTE_P | PTE_PROTNONE)) && (e.lo & PTE_A)) { e.lo &= ~PTE_A; mm.mmu.setPte(vpn * PAGE, e); n++; }
  }
  return n;
}

function shrinkActiveFile(mm: Mm, nr: number): void {
  const take: CachePage[] = [];
  for (const p of mm.cache.active.values()) { if (take.length >= nr) break; take.push(p); }
  for (const p of take) { referencedPtes(mm, p.mappers); mm.cache.deactivate(p); mm.ev.pgdeactivate++; }
}

function shrinkActiveAnon(mm: Mm, nr: number): void {
  const take: number[] = [];
  for (const vpn of mm.resident.keys()) { if (take.length >= nr) break; if (mm.activeAnon.has(vpn)) take.push(vpn); }
  for (const vpn of take) {
    referencedPtes(mm, [vpn]);
    mm.activeAnon.delete(vpn);
    const f = mm.resident.get(vpn)!; mm.resident.delete(vpn); mm.resident.set(vpn, f);
    mm.ev.pgdeactivate++;
  }
}

function count(mm: Mm, who: Reclaimer, scanned: number, stolen: number): void {
  if (who === 'kswapd') { mm.ev.pgscan_kswapd += scanned; mm.ev.pgsteal_kswapd += stolen; }
  else { mm.ev.pgscan_direct += scanned; mm.ev.pgsteal_direct += stolen; }
}

// shrink_inactive_list + shrink_page_list for page cache.
function shrinkInactiveFile(mm: Mm, nr: number, who: Reclaimer): number {
  const take: CachePage[] = [];
  for (const p of mm.cache.inactive.values()) { if (take.length >= nr) break; if (!p.pin) take.push(p); }
  let stolen = 0;
  for (const p of take) {
    if (p.mappers.length && referencedPtes(mm, p.mappers)) { mm.cache.activate(p); mm.ev.pgactivate++; continue; }
    // a dirty page is written first; its one event (writeback) then stands for both
    const wasDirty = p.dirty;
    if (wasDirty) writebackPage(mm, p, who);
    dropPage(mm, p, who, !wasDirty);
    stolen++;
  }
  count(mm, who, take.length, stolen);
  return stolen;
}

function shrinkInactiveAnon(mm: Mm, nr: number, who: Reclaimer): number {
  const take: number[] = [];
  for (const vpn of mm.resident.keys()) {
    if (take.length >= nr) break;
    if (mm.activeAnon.has(vpn)) continue;
    const v = mm.vmas.find(vpn * PAGE);
    if (v && v.anon) take.push(vpn);
  }
  let stolen = 0;
  for (const vpn of take) {
    if (referencedPtes(mm, [vpn])) {
      mm.activeAnon.add(vpn);
      const f = mm.resident.get(vpn)!; mm.resident.delete(vpn); mm.resident.set(vpn, f);
      mm.ev.pgactivate++;
      continue;
    }
    if (swapRoom(mm) <= 0) break;
    mm.swapOut(vpn, mm.resident.get(vpn)!, who);
    stolen++;
  }
  count(mm, who, take.length, stolen);
  return stolen;
}

// pageout: the page's bytes to the disk; shared mappings are write-protected again
// (page_mkclean) so that the next store marks the page dirty through a fault.
export function writebackPage(mm: Mm, p: CachePage, who: string): void {
  const ino = keyIno(p.key), index = keyIndex(p.key);
  mm.fs.writePage(ino, index, mm.phys.frame(p.frame));
  mm.cache.clearDirty(p);
  mm.ev.pgpgout++; mm.ev.nr_written++;
  for (const vpn of p.mappers) {
    const e = mm.mmu.getPte(vpn * PAGE);
    if (e && (e.lo & PTE_RW)) { e.lo &= ~(PTE_RW | PTE_D); mm.mmu.setPte(vpn * PAGE, e); }
  }
  mm.sink?.({ event: 'reclaim', action: 'writeback', by: who, file: mm.fs.path(ino), index });
}

// __remove_mapping: unmap every pte (try_to_unmap), free the frame, forget the page.
function dropPage(mm: Mm, p: CachePage, who: string, report: boolean): void {
  for (const vpn of p.mappers) { mm.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); mm.fileMapped.delete(vpn); }
  p.mappers = [];
  mm.cache.delete(p);
  mm.phys.free(p.frame);
  if (report) mm.sink?.({ event: 'reclaim', action: 'drop', by: who, file: mm.fs.path(keyIno(p.key)), index: keyIndex(p.key) });
}

// oom_badness: resident pages, swap entries and page tables. The largest goes; on a tie the
// later task in pid order, as select_bad_process keeps the last of equals.
export function outOfMemory(mm: Mm): void {
  const kb = (n: number) => n * 4;
  const self = mm.resident.size + mm.fileMapped.size + mm.swapped.size + mm.pageTableFrames;
  let victim = -1, best = self;
  mm.hogs.forEach((h, i) => { if (h.frames.length && h.frames.length >= best) { victim = i; best = h.frames.length; } });
  mm.ev.oom_kill++;
  if (victim >= 0) {
    const h = mm.hogs[victim];
    const msg = `Out of memory: Killed process ${h.pid} (hog) total-vm:${kb(h.frames.length)}kB, anon-rss:${kb(h.frames.length)}kB, file-rss:0kB, shmem-rss:0kB`;
    for (const f of h.frames) mm.phys.free(f);
    h.frames = [];
    mm.kswapdFailures = 0;
    mm.sink?.({ event: 'reclaim', action: 'oom_kill', detail: msg });
    return;
  }
  const vm = mm.vsz();
  const msg = `Out of memory: Killed process 1 (scenario) total-vm:${Math.round(vm / 1024)}kB, anon-rss:${kb(mm.resident.size)}kB, file-rss:${kb(mm.fileMapped.size)}kB, shmem-rss:0kB`;
  mm.sink?.({ event: 'reclaim', action: 'oom_kill', detail: msg });
  throw new MachineSignal('SIGKILL', msg);
}

// The flusher (wb_workfn): every dirty_writeback interval it writes back pages dirty for
// longer than dirty_expire, and everything while dirty pages exceed the background threshold
// (dirty_background_ratio, 10% of free + page cache).
export const DIRTY_WRITEBACK_STEPS = 5000;    // dirty_writeback_centisecs = 500 at 1 ms a step
export const DIRTY_EXPIRE_STEPS = 30000;      // dirty_expire_centisecs = 3000

export function dirtyBackgroundThresh(mm: Mm): number {
  return Math.floor((mm.phys.freeFrames + mm.cache.size) * 10 / 100);
}

export function flusher(mm: Mm, now: number): void {
  mm.flushAt = Infinity;
  if (!mm.cache.nrDirty) return;
  const thresh = dirtyBackgroundThresh(mm);
  const dirty = [...mm.cache.inactive.values(), ...mm.cache.active.values()].filter((p) => p.dirty).sort((a, b) => a.dirtiedAt - b.dirtiedAt);
  for (const p of dirty) {
    if (now - p.dirtiedAt < DIRTY_EXPIRE_STEPS && mm.cache.nrDirty <= thresh) break;
    writebackPage(mm, p, 'flusher');
  }
  if (mm.cache.nrDirty) mm.scheduleFlush(now + DIRTY_WRITEBACK_STEPS);
}
