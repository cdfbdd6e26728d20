// The process's memory as the kernel manages it (mm_struct): areas, the page-fault handler
// (handle_mm_fault → do_anonymous_page / do_swap_page / filemap_fault), frame allocation with
// the zone watermarks (vmscan.ts reclaims, the OOM killer ends someone), the page cache and
// the reverse maps of resident pages that reclaim and RSS need.
import type { MachineConfig } from '../config';
import type { EventSink } from '../events';
import { Mmu, PTE_A, PTE_D, PTE_P, PTE_PROTNONE, PTE_RW, PTE_SWAP, PTE_US } from '../memory/mmu';
import { PhysicalMemory } from '../memory/phys';
import { MachineSignal, badAddress } from '../signals';
import { filemapFault, reprotectFilePage, zapFilePage } from './filemap';
import { FileSystem } from './fs';
import { PAGE } from './layout';
import { PageCache, type CachePage } from './pagecache';
import type { ProcessLayout } from './types';
import { VmaList, type Vma } from './vma';
import { allocSlow, DIRTY_WRITEBACK_STEPS, dirtyBackgroundThresh, flusher, kswapd } from './vmscan';
import { watermarks, zeroEvents, type VmEvents, type Watermarks } from './vmstat';

// A background process holding memory (`#pragma hog`): it keeps touching all of it, so reclaim
// cannot take its pages; only the OOM killer frees them.
export interface Hog { pid: number; frames: number[] }

const MAPERR = 'address not mapped to object';
const ACCERR = 'invalid permissions for mapped object';

export class Mm {
  readonly phys: PhysicalMemory;
  readonly mmu: Mmu;
  vmas = new VmaList();
  // reverse maps: resident anonymous/image pages (vpn -> frame), oldest first, which is also
  // the anon lruvec's order (pages in activeAnon are on the active list, the rest inactive);
  // swapped ones (vpn -> slot); file pages mapped by a pte (vpn -> cached page)
  resident = new Map<number, number>();
  activeAnon = new Set<number>();
  swapped = new Map<number, number>();
  swapStore = new Map<number, Uint8Array>();
  fileMapped = new Map<number, CachePage>();
  swapFree: number[] = [];
  swapNext = 0;
  readonly swapSlots: number;
  fs: FileSystem;
  cache = new PageCache();
  readonly wmark: Watermarks;
  swappiness: number;
  ev: VmEvents = zeroEvents();
  hogs: Hog[] = [];
  kswapdPending = false;
  kswapdFailures = 0;
  flushAt = Infinity;
  // The step counter (emulated time) and a request to run background work (kswapd, the
  // flusher) before a later step; the interpreter provides both.
  clock: () => number = () => 0;
  wake: ((atStep: number) => void) | null = null;
  stdout: ((bytes: Uint8Array) => void) | null = null;
  pageTableFrames = 0;
  minflt = 0;
  majflt = 0;
  syscalls = 0;
  committed = 0;          // Committed_AS, bytes
  startBrk = 0;
  brk = 0;
  sink: EventSink | null = null;

  constructor(readonly config: MachineConfig, readonly layout: ProcessLayout) {
    this.phys = new PhysicalMemory(Math.floor(config.ram / PAGE));
    this.swapSlots = Math.floor(config.swap / PAGE);
    this.wmark = watermarks(this.phys.totalFrames);
    // configurations written before files and hogs existed leave them out
    this.swappiness = config.swappiness ?? 60;
    this.fs = new FileSystem(config.files ?? []);
    this.mmu = new Mmu(this.phys, config.arch, (va, w) => this.handleFault(va, w), () => this.allocTableFrame());
    this.mmu.init();
    // the hogs start first and take what they ask for, leaving at least the min reserve
    (config.hogs ?? []).forEach((bytes, i) => {
      const frames: number[] = [];
      const n = Math.min(Math.floor(bytes / PAGE), this.phys.freeFrames - this.wmark.min);
      for (let k = 0; k < n; k++) frames.push(this.phys.alloc());
      this.hogs.push({ pid: 2 + i, frames });
    });
  }

  get taskSize(): number { return this.config.arch === 'x86_64' ? 0x800000000000 : 0xc0000000; }

  private allocTableFrame(): number {
    const f = this.allocFrame();
    this.pageTableFrames++;
    return f;
  }

  // A frame for the process. Above the low watermark it is simply taken; at or below it the
  // allocator's slow path wakes kswapd, reclaims directly below min, or calls the OOM killer.
  allocFrame(): number {
    if (this.phys.freeFrames > this.wmark.low) return this.phys.alloc();
    return allocSlow(this);
  }

  swapOut(vpn: number, frame: number, by?: string): void {
    const slot = this.swapFree.length ? this.swapFree.pop()! : this.swapNext++;
    this.swapStore.set(slot, this.phys.frame(frame).slice());
    this.mmu.setPte(vpn * PAGE, { lo: ((slot % 1048576) * 4096 + PTE_SWAP) >>> 0, hi: Math.floor(slot / 1048576) });
    this.phys.free(frame);
    this.resident.delete(vpn);
    this.activeAnon.delete(vpn);
    this.swapped.set(vpn, slot);
    this.ev.pswpout++;
    this.sink?.({ event: 'reclaim', action: 'swapout', page: vpn * PAGE, ...(by ? { by } : {}) });
  }

  // Work the kernel does between the program's steps: kswapd when it was woken, the flusher
  // when its interval is due.
  background(now = this.clock()): void {
    if (this.kswapdPending) kswapd(this);
    if (this.flushAt <= now) flusher(this, now);
  }

  scheduleFlush(at: number): void {
    if (at < this.flushAt) { this.flushAt = at; this.wake?.(at); }
  }
  // A page just became dirty: the flusher's timer starts if it was idle, and it runs at once
  // when dirty pages pass the background threshold.
  scheduleFlushSoon(): void {
    const now = this.clock();
    if (this.cache.nrDirty > dirtyBackgroundThresh(this)) this.scheduleFlush(now);
    else if (this.flushAt === Infinity) this.scheduleFlush(now + DIRTY_WRITEBACK_STEPS);
  }

  // handle_mm_fault: find the area (growing the stack if the access is just below it),
  // check the access against its permissions, then bring the page in.
  handleFault(va: number, write: boolean): void {
    let v = this.vmas.find(va);
    if (!v && this.config.arch === 'x86_64' && va >= 0x800000000000) throw badAddress(va);   // #GP, not a page fault
    if (!v) v = this.expandStack(va);
    if (!v) throw new MachineSignal('SIGSEGV', `Segmentation fault at 0x${va.toString(16)}: ${MAPERR}`, va, MAPERR);
    if ((write && !v.write) || (!write && !v.read)) {
      throw new MachineSignal('SIGSEGV', `Segmentation fault at 0x${va.toString(16)}: ${ACCERR} (${write ? 'write' : 'read'} of a ${permString(v)} page)`, va, ACCERR);
    }
    const page = va - (va % PAGE);
    const vpn = page / PAGE;
    const slot = this.swapped.size ? this.swapped.get(vpn) : undefined;
    if (v.file && slot === undefined) { filemapFault(this, v, va, write); return; }
    const f = this.allocFrame();
    if (slot !== undefined) {
      // do_swap_page: a major fault, the page comes back from swap
      this.phys.frame(f).set(this.swapStore.get(slot)!);
      this.swapStore.delete(slot); this.swapFree.push(slot); this.swapped.delete(vpn);
      this.majflt++;
      this.ev.pswpin++;
      this.sink?.({ event: 'fault', kind: 'major', addr: va, page, write });
    } else {
      // do_anonymous_page: a zero-filled frame (alloc() zeroes)
      this.minflt++;
      this.sink?.({ event: 'fault', kind: 'minor', addr: va, page, write });
    }
    this.mapPage(page, f, v);
    this.resident.set(vpn, f);
  }

  // Pages the loader and the C runtime have already touched when main starts (libc's data,
  // the TLS block, the top of the stack): resident from the start, no fault counted.
  populate(start: number, end: number): void {
    for (let page = start; page < end; page += PAGE) {
      const v = this.vmas.find(page);
      if (!v || this.resident.has(page / PAGE)) continue;
      const f = this.allocFrame();
      this.mapPage(page, f, v);
      this.resident.set(page / PAGE, f);
    }
  }

  mapPage(page: number, frame: number, v: Vma): void {
    const flags = PTE_P | PTE_US | (v.write ? PTE_RW : 0);
    const nx = !v.exec && this.config.arch === 'x86_64';
    this.mmu.setPteRaw(page, (frame % 1048576) * 4096 + flags, Math.floor(frame / 1048576) + (nx ? 0x80000000 : 0));
  }

  // The stack grows down on a touch below it, up to RLIMIT_STACK from its top.
  private expandStack(va: number): Vma | undefined {
    const s = this.vmas.findNext(va);
    if (!s || !s.growsdown) return undefined;
    const limit = this.layout.stackTop - this.layout.stackLimit;
    if (va < limit) return undefined;
    const prev = this.vmas.prev(s);
    const newStart = va - (va % PAGE);
    // keep the stack guard gap (256 pages) from the area below
    if (prev && newStart - prev.vm_end < 256 * PAGE) return undefined;
    s.vm_start = newStart;
    return s;
  }

  // Drop the pages of [start, end): frames freed, swap slots released, entries cleared.
  zap(start: number, end: number): void {
    const pages = (end - start) / PAGE;
    const each = <T>(m: Map<number, T>, fn: (vpn: number, x: T) => void) => {
      if (pages < m.size) {
        for (let vpn = start / PAGE; vpn < end / PAGE; vpn++) { const x = m.get(vpn); if (x !== undefined) fn(vpn, x); }
      } else for (const [vpn, x] of [...m]) if (vpn * PAGE >= start && vpn * PAGE < end) fn(vpn, x);
    };
    each(this.resident, (vpn, f) => { this.phys.free(f); this.resident.delete(vpn); this.activeAnon.delete(vpn); this.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); });
    if (this.fileMapped.size) each(this.fileMapped, (vpn) => zapFilePage(this, vpn));
    each(this.swapped, (vpn, slot) => { this.swapStore.delete(slot); this.swapFree.push(slot); this.swapped.delete(vpn); this.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); });
  }

  // Re-derive the entries of resident pages after a protection change.
  reprotect(start: number, end: number, v: Vma): void {
    for (const [vpn, f] of this.resident) {
      const va = vpn * PAGE;
      if (va < start || va >= end) continue;
      const e = this.mmu.getPte(va)!;
      const keep = e.lo & (PTE_A | PTE_D);
      if (!v.read && !v.write) this.mmu.setPte(va, Mmu.makeEntry(f, PTE_PROTNONE | PTE_US | keep, true));
      else this.mmu.setPte(va, Mmu.makeEntry(f, PTE_P | PTE_US | (v.write ? PTE_RW : 0) | keep, !v.exec && this.config.arch === 'x86_64'));
    }
    for (const vpn of [...this.fileMapped.keys()]) if (vpn * PAGE >= start && vpn * PAGE < end) reprotectFilePage(this, vpn, v);
  }

  rss(): number {
    // resident pages of the process's mappings (page tables are not counted, as in Linux)
    return (this.resident.size + this.fileMapped.size) * PAGE;
  }
  // RssShmem: resident pages of shared anonymous mappings (shmem in Linux); the rest of the
  // anonymous pages are RssAnon, file pages mapped by a pte RssFile.
  rssShmem(): number {
    let n = 0;
    for (const v of this.vmas.list) {
      if (!v.shared || !v.anon) continue;
      const first = v.vm_start / PAGE, last = v.vm_end / PAGE;
      if (last - first < this.resident.size) { for (let vpn = first; vpn < last; vpn++) if (this.resident.has(vpn)) n++; }
      else for (const vpn of this.resident.keys()) if (vpn >= first && vpn < last) n++;
    }
    return n * PAGE;
  }
  vsz(): number { return this.vmas.list.reduce((s, v) => s + (v.vm_end - v.vm_start), 0); }
}

export function permString(v: { read: boolean; write: boolean; exec: boolean; shared: boolean }): string {
  return `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}${v.shared ? 's' : 'p'}`;
}
