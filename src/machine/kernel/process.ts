// A fresh process: the program's image and the libraries mapped as the loader leaves them,
// the stack, an empty heap, and the system calls.
import type { MachineConfig } from '../config';
import type { EventSink } from '../events';
import { PTE_P } from '../memory/mmu';
import type { EmulatedProcess, ProcessCounters } from '../process';
import { libcLayout, PAGE, programLayout, type ImageMapping } from './layout';
import { Mm } from './mm';
import { mapsText, meminfoFields, meminfoText, pageWalk, pageWalkText, vmstatFields, vmstatText } from './procfs';
import { memoryPressure, pageRuns, ReclaimLog, type MemoryPressure, type PageRun } from './pressure';
import { makeSyscalls } from './syscalls';
import type { ProcessLayout, Syscalls, VmArea } from './types';
import type { Vma } from './vma';

export interface ProcessImage { rodata: { addr: number; bytes: Uint8Array }; dataSize: number; bssSize: number; name?: string }

class Process implements EmulatedProcess {
  mm: Mm;
  sys: Syscalls;
  // the last reclaim actions, for the debugger; kept only while someone listens to events
  reclaimLog = new ReclaimLog();
  private listener: EventSink | null = null;
  constructor(readonly config: MachineConfig, readonly layout: ProcessLayout, image: ProcessImage) {
    this.mm = new Mm(config, layout);
    this.sys = makeSyscalls(this.mm);
    const toVma = (m: ImageMapping): Vma => ({
      vm_start: m.start, vm_end: m.end, read: m.perms[0] === 'r', write: m.perms[1] === 'w', exec: m.perms[2] === 'x',
      shared: false, pgoff: m.offset, name: m.name, kind: m.kind, anon: m.kind === 'anon' || m.perms[1] === 'w',
      growsdown: false, accounted: m.perms[1] === 'w',
    });
    const sizes = { rodata: image.rodata.bytes.length, data: image.dataSize, bss: image.bssSize };
    const name = image.name ?? '/home/student/scenario';
    for (const m of programLayout(layout, sizes, name)) this.mm.vmas.list.push(toVma(m));
    for (const m of libcLayout(config.arch === 'x86_64', layout.libsTop)) this.mm.vmas.list.push(toVma(m));
    // the initial stack: 132 KiB, as the kernel and the loader leave it for a small program
    this.mm.vmas.list.push({ vm_start: layout.stackTop - 0x21000, vm_end: layout.stackTop, read: true, write: true, exec: false, shared: false,
      pgoff: 0, name: '[stack]', kind: 'stack', anon: true, growsdown: true, accounted: true });
    this.mm.vmas.list.sort((a, b) => a.vm_start - b.vm_start);
    this.mm.committed = this.mm.vmas.list.filter((v) => v.accounted).reduce((s, v) => s + v.vm_end - v.vm_start, 0);
    this.mm.startBrk = this.mm.brk = layout.heapBase;
    // what the loader and libc's start-up code already wrote: writable library pages, the TLS
    // block, the program's .data page and the top of the stack
    for (const v of this.mm.vmas.list) {
      if (v.write && (v.kind === 'lib' || v.kind === 'anon' || v.kind === 'data')) this.mm.populate(v.vm_start, Math.min(v.vm_end, v.vm_start + 16 * PAGE));
    }
    this.mm.populate(layout.stackTop - 2 * PAGE, layout.stackTop);
    // string literals: the loader maps .rodata from the file; here its bytes are copied in
    // through a writable window (the page is read-only to the program)
    this.loadBytes(image.rodata.addr, image.rodata.bytes);
  }

  private loadBytes(addr: number, bytes: Uint8Array): void {
    if (!bytes.length) return;
    const v = this.mm.vmas.find(addr)!;
    const w = v.write; v.write = true;
    this.mm.mmu.writeBytes(addr, bytes);
    v.write = w;
    this.mm.reprotect(v.vm_start, v.vm_end, v);
  }

  get mem() { return this.mm.mmu; }
  get inspect() { return this.mm.mmu; }
  get sink(): EventSink | null { return this.listener; }
  set sink(s: EventSink | null) {
    this.listener = s;
    this.mm.sink = s && ((e) => { if (e.event === 'reclaim') this.reclaimLog.add(e, this.mm.clock()); s(e); });
  }

  get stdout() { return this.mm.stdout; }
  set stdout(f: ((bytes: Uint8Array) => void) | null) { this.mm.stdout = f; }
  attachClock(clock: () => number, wake: (atStep: number) => void): void { this.mm.clock = clock; this.mm.wake = wake; }
  background(): void { this.mm.background(); }
  meminfo(): string { return meminfoText(this.mm); }
  vmstat(): string { return vmstatText(this.mm); }
  vmEvent(name: string): number {
    const hit = vmstatFields(this.mm).find(([k]) => k === name) ?? meminfoFields(this.mm).find(([k]) => k === name);
    return hit ? hit[1] : -1;
  }

  counters(): ProcessCounters {
    const mm = this.mm;
    const shmem = mm.rssShmem();
    return {
      rss: mm.rss(), rssAnon: mm.resident.size * PAGE - shmem, rssFile: mm.fileMapped.size * PAGE, rssShmem: shmem, vsz: mm.vsz(), minflt: mm.minflt, majflt: mm.majflt, syscalls: mm.syscalls,
      tlbHits: mm.mmu.hits, tlbMisses: mm.mmu.misses, swapUsed: mm.swapped.size * PAGE,
      freeFrames: mm.phys.freeFrames, totalFrames: mm.phys.totalFrames, pageTableFrames: mm.pageTableFrames,
      committed: mm.committed, commitLimit: mm.swapSlots * PAGE + Math.floor(mm.phys.totalFrames / 2) * PAGE,
    };
  }
  pressure(): MemoryPressure { return memoryPressure(this.mm, this.reclaimLog); }
  pageRuns(start: number, end: number): PageRun[] { return pageRuns(this.mm, start, end); }
  vmas(): VmArea[] { return this.mm.vmas.list.map((v) => ({ ...v })); }
  brkNow(): number { return this.mm.brk; }
  maps(): string { return mapsText(this.mm); }
  pagewalk(va: number) { return pageWalk(this.mm, va); }
  pagewalkText(va: number): string { return pageWalkText(this.mm, va); }
  residentPages(start: number, end: number): number {
    let n = 0;
    // mincore on a file mapping reports the page cache, mapped here or not (with nothing
    // cached, the page tables tell the same, and the allocator's events ask often)
    const fileAreas = this.mm.cache.size ? this.mm.vmas.list.filter((v) => v.file && v.vm_start < end && v.vm_end > start) : [];
    if (fileAreas.length) {
      for (let page = Math.floor(start / PAGE) * PAGE; page < end; page += PAGE) {
        const v = fileAreas.find((a) => a.vm_start <= page && page < a.vm_end);
        if (v) { if (this.mm.cache.find(v.file!.ino, (v.pgoff + page - v.vm_start) / PAGE) || this.mm.resident.has(page / PAGE)) n++; }
        else { const e = this.mm.mmu.getPte(page); if (e && e.lo & PTE_P) n++; }
      }
      return n;
    }
    const first = Math.floor(start / PAGE), last = Math.ceil(end / PAGE);
    if (last - first > this.mm.resident.size) { for (const vpn of this.mm.resident.keys()) if (vpn >= first && vpn < last) n++; return n; }
    for (let vpn = first; vpn < last; vpn++) { const e = this.mm.mmu.getPte(vpn * PAGE); if (e && e.lo & PTE_P) n++; }
    return n;
  }

  snapshot(): unknown {
    const mm = this.mm;
    return { phys: mm.phys.clone(), vmas: mm.vmas.clone(), resident: new Map(mm.resident), swapped: new Map(mm.swapped),
      swapStore: new Map(mm.swapStore), vm: vmState(mm), log: this.reclaimLog.clone(), counters: { minflt: mm.minflt, majflt: mm.majflt, syscalls: mm.syscalls, committed: mm.committed,
        brk: mm.brk, pt: mm.pageTableFrames, hits: mm.mmu.hits, misses: mm.mmu.misses, cr3: mm.mmu.cr3 } };
  }
  restore(s: unknown): void {
    const x = s as ReturnType<Process['snapshot']> & { phys: Mm['phys']; vmas: Mm['vmas']; resident: Map<number, number>; swapped: Map<number, number>; swapStore: Map<number, Uint8Array>; vm: VmState; log?: ReclaimLog; counters: Record<string, number> };
    const mm = this.mm;
    const phys = x.phys.clone();
    (mm as { phys: Mm['phys'] }).phys = phys;
    (mm.mmu as { phys: Mm['phys'] }).phys = phys;
    mm.vmas = x.vmas.clone(); mm.resident = new Map(x.resident); mm.swapped = new Map(x.swapped); mm.swapStore = new Map(x.swapStore);
    restoreVmState(mm, x.vm);
    this.reclaimLog = new ReclaimLog();
    this.reclaimLog.entries = (x.log?.entries ?? []).map((e) => ({ ...e }));
    const c = x.counters;
    mm.minflt = c.minflt; mm.majflt = c.majflt; mm.syscalls = c.syscalls; mm.committed = c.committed; mm.brk = c.brk;
    mm.pageTableFrames = c.pt; mm.mmu.hits = c.hits; mm.mmu.misses = c.misses; mm.mmu.cr3 = c.cr3;
    mm.mmu.flushTlb();
    mm.mmu.resetWalkCache();
  }
}

// What the page cache, the file system, the LRU and reclaim add to a snapshot.
type VmState = ReturnType<typeof vmState>;
function vmState(mm: Mm) {
  return { cache: mm.cache.clone(), fs: mm.fs.clone(), activeAnon: new Set(mm.activeAnon), ev: { ...mm.ev },
    hogs: mm.hogs.map((h) => ({ ...h, frames: h.frames.slice() })), swapFree: mm.swapFree.slice(), swapNext: mm.swapNext,
    kswapdPending: mm.kswapdPending, kswapdFailures: mm.kswapdFailures, flushAt: mm.flushAt, swappiness: mm.swappiness };
}
function restoreVmState(mm: Mm, s: VmState): void {
  mm.cache = s.cache.clone(); mm.fs = s.fs.clone(); mm.activeAnon = new Set(s.activeAnon); mm.ev = { ...s.ev };
  mm.hogs = s.hogs.map((h) => ({ ...h, frames: h.frames.slice() })); mm.swapFree = s.swapFree.slice(); mm.swapNext = s.swapNext;
  mm.kswapdPending = s.kswapdPending; mm.kswapdFailures = s.kswapdFailures; mm.flushAt = s.flushAt; mm.swappiness = s.swappiness;
  mm.fileMapped = new Map();
  for (const l of [mm.cache.inactive, mm.cache.active]) for (const p of l.values()) for (const vpn of p.mappers) mm.fileMapped.set(vpn, p);
}

export function createProcess(config: MachineConfig, image: ProcessImage, layout: ProcessLayout): EmulatedProcess & { snapshot(): unknown; restore(s: unknown): void; mm: Mm } {
  return new Process(config, layout, image);
}
