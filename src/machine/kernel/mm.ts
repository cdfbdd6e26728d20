// The process's memory as the kernel manages it (mm_struct): areas, the page-fault handler
// (handle_mm_fault → do_anonymous_page / do_swap_page), frame allocation with reclaim to swap
// and the OOM killer, and the reverse map of resident pages that reclaim and RSS need.
import type { MachineConfig } from '../config';
import type { EventSink } from '../events';
import { Mmu, PTE_A, PTE_D, PTE_P, PTE_PROTNONE, PTE_RW, PTE_SWAP, PTE_US } from '../memory/mmu';
import { PhysicalMemory } from '../memory/phys';
import { MachineSignal } from '../signals';
import { PAGE } from './layout';
import type { ProcessLayout } from './types';
import { VmaList, type Vma } from './vma';

const MAPERR = 'address not mapped to object';
const ACCERR = 'invalid permissions for mapped object';

export class Mm {
  readonly phys: PhysicalMemory;
  readonly mmu: Mmu;
  vmas = new VmaList();
  // reverse maps: resident anonymous/image pages (vpn -> frame) and swapped ones (vpn -> slot)
  resident = new Map<number, number>();
  swapped = new Map<number, number>();
  swapStore = new Map<number, Uint8Array>();
  private swapFree: number[] = [];
  private swapNext = 0;
  readonly swapSlots: number;
  clockHand = 0;
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
    this.mmu = new Mmu(this.phys, config.arch, (va, w) => this.handleFault(va, w), () => this.allocTableFrame());
    this.mmu.init();
  }

  get taskSize(): number { return this.config.arch === 'x86_64' ? 0x800000000000 : 0xc0000000; }

  private allocTableFrame(): number {
    const f = this.allocFrame();
    this.pageTableFrames++;
    return f;
  }

  // A frame for the process; reclaims (swap-out) when none is free, kills when nothing can go.
  allocFrame(): number {
    let f = this.phys.alloc();
    if (f >= 0) return f;
    this.reclaim();
    f = this.phys.alloc();
    if (f < 0) this.oomKill();
    return f;
  }

  // Second-chance (clock) over resident pages: recently accessed pages get their Accessed bit
  // cleared and are passed over once; the first cold anonymous page goes to swap.
  private reclaim(): void {
    if (this.swapNext >= this.swapSlots && this.swapFree.length === 0) return;
    const pages = [...this.resident.keys()];
    if (pages.length === 0) return;
    for (let pass = 0; pass < 2 * pages.length; pass++) {
      const vpn = pages[this.clockHand++ % pages.length];
      const va = vpn * PAGE;
      const v = this.vmas.find(va);
      if (!v || !v.anon) continue;
      const e = this.mmu.getPte(va);
      if (!e || !(e.lo & (PTE_P | PTE_PROTNONE))) continue;
      if (e.lo & PTE_A) { e.lo &= ~PTE_A; this.mmu.setPte(va, e); continue; }
      this.swapOut(vpn, Mmu.frameOf(e));
      return;
    }
  }

  private swapOut(vpn: number, frame: number): void {
    const slot = this.swapFree.length ? this.swapFree.pop()! : this.swapNext++;
    this.swapStore.set(slot, this.phys.frame(frame).slice());
    this.mmu.setPte(vpn * PAGE, { lo: ((slot % 1048576) * 4096 + PTE_SWAP) >>> 0, hi: Math.floor(slot / 1048576) });
    this.phys.free(frame);
    this.resident.delete(vpn);
    this.swapped.set(vpn, slot);
    this.sink?.({ event: 'reclaim', action: 'swapout', page: vpn * PAGE });
  }

  private oomKill(): never {
    const kb = (n: number) => Math.round(n / 1024);
    const vm = this.vmas.list.reduce((s, v) => s + (v.vm_end - v.vm_start), 0);
    const msg = `Out of memory: Killed process 1 (scenario) total-vm:${kb(vm)}kB, anon-rss:${kb(this.resident.size * PAGE)}kB, file-rss:0kB, shmem-rss:0kB`;
    this.sink?.({ event: 'reclaim', action: 'oom_kill', detail: msg });
    throw new MachineSignal('SIGKILL', msg);
  }

  // handle_mm_fault: find the area (growing the stack if the access is just below it),
  // check the access against its permissions, then bring the page in.
  handleFault(va: number, write: boolean): void {
    let v = this.vmas.find(va);
    if (!v) v = this.expandStack(va);
    if (!v) throw new MachineSignal('SIGSEGV', `Segmentation fault at 0x${va.toString(16)}: ${MAPERR}`, va, MAPERR);
    if ((write && !v.write) || (!write && !v.read)) {
      throw new MachineSignal('SIGSEGV', `Segmentation fault at 0x${va.toString(16)}: ${ACCERR} (${write ? 'write' : 'read'} of a ${permString(v)} page)`, va, ACCERR);
    }
    const page = va - (va % PAGE);
    const vpn = page / PAGE;
    const slot = this.swapped.size ? this.swapped.get(vpn) : undefined;
    const f = this.allocFrame();
    if (slot !== undefined) {
      // do_swap_page: a major fault, the page comes back from swap
      this.phys.frame(f).set(this.swapStore.get(slot)!);
      this.swapStore.delete(slot); this.swapFree.push(slot); this.swapped.delete(vpn);
      this.majflt++;
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
    const each = (m: Map<number, number>, fn: (vpn: number, x: number) => void) => {
      if (pages < m.size) {
        for (let vpn = start / PAGE; vpn < end / PAGE; vpn++) { const x = m.get(vpn); if (x !== undefined) fn(vpn, x); }
      } else for (const [vpn, x] of [...m]) if (vpn * PAGE >= start && vpn * PAGE < end) fn(vpn, x);
    };
    each(this.resident, (vpn, f) => { this.phys.free(f); this.resident.delete(vpn); this.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); });
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
  }

  rss(): number {
    // resident pages of the process's mappings (page tables are not counted, as in Linux)
    return this.resident.size * PAGE;
  }
  vsz(): number { return this.vmas.list.reduce((s, v) => s + (v.vm_end - v.vm_start), 0); }
}

export function permString(v: { read: boolean; write: boolean; exec: boolean; shared: boolean }): string {
  return `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}${v.shared ? 's' : 'p'}`;
}
