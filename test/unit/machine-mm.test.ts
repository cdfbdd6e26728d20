// The emulated MMU and kernel through the process API: faults and counters, page-table bits,
// the TLB, SIGSEGV reasons, splitting of mappings, brk, overcommit, swap, OOM, the stack.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG, type MachineConfig } from '../../src/machine/config';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';
import { MachineSignal } from '../../src/machine/signals';

const RW = 3, ANON = 0x22;
function proc(c: Partial<MachineConfig> = {}) {
  const config = { ...DEFAULT_CONFIG, ...c };
  const sizes = { rodata: 0, data: 0, bss: 0 };
  return createProcess(config, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(config, sizes));
}
function segv(fn: () => void): MachineSignal {
  try { fn(); } catch (e) { if (e instanceof MachineSignal) return e; throw e; }
  assert.fail('expected a signal');
}

describe('machine: memory and faults', () => {
  it('touching 3 pages of a 1 GiB mapping: RSS +12 KiB, 3 minor faults', () => {
    const p = proc();
    const c0 = p.counters();
    const a = p.sys.mmap(0, 2 ** 30, RW, ANON, -1, 0);
    assert.ok(a > 0);
    assert.equal(p.counters().rss, c0.rss);
    assert.equal(p.counters().vsz, c0.vsz + 2 ** 30);
    p.mem.write8(a, 1); p.mem.write8(a + 4096 * 100, 2); p.mem.write8(a + 2 ** 30 - 1, 3);
    p.mem.write8(a + 1, 4);                      // same page again: no fault
    const c = p.counters();
    assert.equal(c.minflt - c0.minflt, 3);
    assert.equal(c.rss - c0.rss, 3 * 4096);
    assert.equal(p.mem.read8(a + 4096 * 100), 2);
    assert.equal(p.mem.read8(a + 4096 * 200), 0);   // a read of an untouched page faults in zeroes
  });

  it('keeps page tables in frames with x86-64 bits: present, writable, user, accessed, dirty, NX', () => {
    const p = proc();
    const a = p.sys.mmap(0, 8192, RW, ANON, -1, 0);
    assert.equal(p.pagewalk(a).present, false);
    p.mem.read8(a);
    let w = p.pagewalk(a);
    assert.equal(w.levels.length, 4);
    assert.deepEqual(w.levels.map((l) => l.level), ['PML4', 'PDPT', 'PD', 'PT']);
    const pte = w.levels[3].bits;
    assert.deepEqual([pte.P, pte.RW, pte.US, pte.A, pte.D, pte.NX], [true, true, true, true, false, true]);
    p.mem.write8(a + 8, 1);
    w = p.pagewalk(a);
    assert.equal(w.levels[3].bits.D, true);
    assert.equal(w.pa! % 4096, a % 4096);
    assert.match(p.pagewalkText(a + 8), /PML4 .*\n.*PDPT.*\n.*PD .*\n.*PT /);
    // i386: two levels
    const q = proc({ arch: 'i386' });
    const b = q.sys.mmap(0, 4096, RW, ANON, -1, 0);
    q.mem.write8(b, 1);
    assert.deepEqual(q.pagewalk(b).levels.map((l) => l.level), ['PDE', 'PTE']);
  });

  it('counts TLB hits and misses; the inspector changes nothing', () => {
    const p = proc();
    const a = p.sys.mmap(0, 4096, RW, ANON, -1, 0);
    const b = p.sys.mmap(0, 4096, RW, ANON, -1, 0);
    p.mem.write32(a, 7);
    const c0 = p.counters();
    for (let i = 0; i < 100; i++) p.mem.read32(a);
    const c1 = p.counters();
    assert.equal(c1.tlbHits - c0.tlbHits, 100);
    assert.equal(c1.tlbMisses, c0.tlbMisses);
    assert.equal(p.inspect.peekBytes(b, 4), null);          // untouched: nothing to read, nothing changed
    assert.deepEqual(p.counters(), c1);
    assert.deepEqual([...p.inspect.peekBytes(a, 4)!], [7, 0, 0, 0]);
  });

  it('SIGSEGV: unmapped addresses, writes to read-only pages, PROT_NONE', () => {
    const p = proc();
    assert.equal(segv(() => p.mem.read8(0)).reason, 'address not mapped to object');
    // one past the 47-bit user space is not canonical: #GP, which Linux reports with si_addr 0
    const gp = segv(() => p.mem.read8(2 ** 47));
    assert.equal(gp.addr, 0);
    assert.match(gp.reason!, /general protection fault: 0x800000000000 is not canonical/);
    // the last user page is canonical but unmapped here: an ordinary page fault at that address
    assert.equal(segv(() => p.mem.read8(2 ** 47 - 1)).addr, 2 ** 47 - 1);
    const a = p.sys.mmap(0, 8192, RW, ANON, -1, 0);
    p.mem.write8(a, 1);
    assert.equal(p.sys.mprotect(a, 4096, 1), 0);
    assert.equal(p.mem.read8(a), 1);
    const s = segv(() => p.mem.write8(a, 2));
    assert.equal(s.reason, 'invalid permissions for mapped object');
    assert.equal(s.addr, a);
    p.sys.mprotect(a + 4096, 4096, 0);
    assert.equal(segv(() => p.mem.read8(a + 4096)).reason, 'invalid permissions for mapped object');
  });

  it('splits mappings on partial munmap and mprotect, and merges neighbours as Linux does', () => {
    const p = proc();
    const P = 4096;
    const a = p.sys.mmap(0, 20 * P, RW, ANON, -1, 0);        // too big for the gaps between the libraries
    const b = p.sys.mmap(0, 10 * P, RW, ANON, -1, 0);
    assert.equal(b + 10 * P, a);                             // top-down: directly below
    const within = (lo: number, hi: number) => p.vmas().filter((v) => v.vm_end > lo && v.vm_start < hi)
      .map((v) => [(Math.max(v.vm_start, lo) - lo) / P, (Math.min(v.vm_end, hi) - lo) / P, v.write]);
    assert.equal(p.vmas().filter((v) => v.vm_start <= b && v.vm_end >= a + 20 * P).length, 1);   // merged into one area
    p.sys.munmap(a + 4 * P, 2 * P);
    p.sys.mprotect(a + 8 * P, P, 1);
    assert.deepEqual(within(a, a + 20 * P), [[0, 4, true], [6, 8, true], [8, 9, false], [9, 20, true]]);
    assert.match(p.maps(), /r--p 00000000 00:00 0/);
    // the pieces right of a split are anonymous: Linux prints offset 0 for them, whatever vm_pgoff holds
    const anonLines = p.maps().split('\n').filter((l) => / 00:00 0\s*$/.test(l));
    assert.ok(anonLines.length >= 4);
    for (const l of anonLines) assert.equal(l.split(/\s+/)[2], '00000000', l);
  });

  it('brk grows and shrinks the [heap]; shrinking frees the pages', () => {
    const p = proc();
    const base = p.brkNow();
    assert.equal(p.sys.brk(0), base);
    assert.equal(p.sys.brk(base + 0x21000), base + 0x21000);
    p.mem.fill(base, 1, 0x21000);
    const rss = p.counters().rss;
    assert.match(p.maps(), /\[heap\]/);
    p.sys.brk(base + 0x1000);
    assert.equal(p.counters().rss, rss - 0x20000);
    assert.equal(p.sys.brk(base - 4096), base + 0x1000);     // below the start: unchanged
  });

  it('mremap grows in place or moves the pages, keeping their bytes', () => {
    const p = proc();
    const a = p.sys.mmap(0, 4096, RW, ANON, -1, 0);
    p.mem.write32(a, 0xdeadbeef);
    p.sys.mmap(a - 4096 * 0, 0, RW, ANON, -1, 0);
    const b = p.sys.mremap(a, 4096, 64 * 4096, 1, 0);
    assert.ok(b > 0);
    assert.equal(p.mem.read32(b), 0xdeadbeef);
    assert.equal(p.sys.mremap(b, 64 * 4096, 128 * 4096, 0, 0) === b || p.sys.mremap(b, 64 * 4096, 128 * 4096, 0, 0) === -12, true);
  });

  it('madvise(MADV_DONTNEED) drops pages: the next touch reads zeroes', () => {
    const p = proc();
    const a = p.sys.mmap(0, 4 * 4096, RW, ANON, -1, 0);
    p.mem.fill(a, 9, 4 * 4096);
    const rss = p.counters().rss;
    assert.equal(p.sys.madvise(a, 2 * 4096, 4), 0);
    assert.equal(p.counters().rss, rss - 2 * 4096);
    assert.equal(p.mem.read8(a), 0);
    assert.equal(p.mem.read8(a + 3 * 4096), 9);
  });

  it('overcommit: heuristic refuses more than RAM + swap; mode 1 grants it and the OOM killer comes', () => {
    const h = proc({ ram: 16 << 20 });
    assert.equal(h.sys.mmap(0, 8 * 2 ** 30, RW, ANON, -1, 0), -12);
    assert.ok(h.sys.mmap(0, 8 << 20, RW, ANON, -1, 0) > 0);
    const never = proc({ ram: 16 << 20, overcommit: 2 });
    assert.equal(never.sys.mmap(0, 12 << 20, RW, ANON, -1, 0), -12);   // commit limit: 50% of RAM
    const always = proc({ ram: 16 << 20, overcommit: 1 });
    const a = always.sys.mmap(0, 8 * 2 ** 30, RW, ANON, -1, 0);
    assert.ok(a > 0);
    const s = segv(() => { for (let off = 0; ; off += 4096) always.mem.write8(a + off, 1); });
    assert.equal(s.signame, 'SIGKILL');
    assert.match(s.message, /Out of memory: Killed process/);
  });

  it('swap: pages beyond RAM go to swap and come back with major faults', () => {
    const p = proc({ ram: 8 << 20, swap: 32 << 20, overcommit: 1 });
    const n = 4096 * 4096;       // 16 MiB
    const a = p.sys.mmap(0, n, RW, ANON, -1, 0);
    for (let off = 0; off < n; off += 4096) p.mem.write32(a + off, off);
    assert.ok(p.counters().swapUsed > 0);
    const maj0 = p.counters().majflt;
    for (let off = 0; off < n; off += 4096) assert.equal(p.mem.read32(a + off), off);
    assert.ok(p.counters().majflt > maj0);
  });

  it('the stack grows on touch up to 8 MiB, then SIGSEGV', () => {
    const p = proc();
    const top = p.layout.stackTop;
    p.mem.write8(top - 4 * 2 ** 20, 1);                      // 4 MiB down: grows
    assert.ok(p.vmas().find((v) => v.name === '[stack]')!.vm_start <= top - 4 * 2 ** 20);
    assert.equal(segv(() => p.mem.write8(top - 8 * 2 ** 20 - 4096, 1)).signame, 'SIGSEGV');
  });

  it('i386: 3 GiB of user space; a request that cannot fit fails with ENOMEM', () => {
    const p = proc({ arch: 'i386', overcommit: 1 });
    assert.equal(p.sys.mmap(0, 3 * 2 ** 30, RW, ANON, -1, 0), -12);
    assert.ok(p.sys.mmap(0, 2 ** 30, RW, ANON, -1, 0) > 0);
    assert.ok(p.vmas().every((v) => v.vm_end <= 0xc0000000));
  });

  it('snapshot and restore bring back memory, mappings and counters', () => {
    const p = proc();
    const a = p.sys.mmap(0, 4096, RW, ANON, -1, 0);
    p.mem.write32(a, 1);
    const snap = p.snapshot();
    const c = p.counters();
    p.mem.write32(a, 2);
    p.sys.munmap(a, 4096);
    p.restore(snap);
    assert.equal(p.mem.read32(a), 1);
    assert.equal(p.counters().minflt, c.minflt);
  });
});
