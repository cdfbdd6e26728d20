// The debugger's store (MemoryInspector.pokeBytes): the program sees the bytes, and nothing
// else about the machine moves: no fault, no RSS, no TLB fill or counter, no accessed/dirty bit.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';

const RW = 3, RO = 1, ANON = 0x22;
function proc() {
  const sizes = { rodata: 0, data: 0, bss: 0 };
  return createProcess(DEFAULT_CONFIG, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(DEFAULT_CONFIG, sizes));
}

describe('MMU: the debugger store', () => {
  it('writes a resident writable page without a fault, a TLB fill or a change to the entry', () => {
    const p = proc();
    const a = p.sys.mmap(0, 3 * 4096, RW, ANON, -1, 0);
    p.mem.write8(a, 1); p.mem.write8(a + 4096, 1);     // two pages resident
    p.mm.mmu.flushTlb();
    const pte = (va: number) => p.mm.mmu.getPte(va);
    const before = { c: p.counters(), e0: pte(a), e1: pte(a + 4096) };
    // 8 bytes across the boundary of the two resident pages
    assert.equal(p.inspect.pokeBytes(a + 4092, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), true);
    const c = p.counters();
    assert.deepEqual([c.rss, c.minflt, c.tlbHits, c.tlbMisses], [before.c.rss, before.c.minflt, before.c.tlbHits, before.c.tlbMisses]);
    assert.deepEqual([pte(a), pte(a + 4096)], [before.e0, before.e1]);
    assert.equal(p.mm.mmu.tlbHolds(a), false);
    assert.deepEqual([...p.inspect.peekBytes(a + 4092, 8)!], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(p.mem.read32(a + 4096), 0x08070605);    // the program reads what was written
  });

  it('refuses, writing nothing, when any byte is on a page not resident or not writable', () => {
    const p = proc();
    const a = p.sys.mmap(0, 2 * 4096, RW, ANON, -1, 0);
    p.mem.write8(a + 4095, 9);                             // only the first page resident
    assert.equal(p.inspect.pokeBytes(a + 4094, Uint8Array.of(1, 2, 3, 4)), false);
    assert.equal(p.inspect.peekBytes(a + 4094, 2)![1], 9);
    assert.equal(p.inspect.isResident(a + 4096), false);
    const r = p.sys.mmap(0, 4096, RW, ANON, -1, 0);
    p.mem.write8(r, 5);
    assert.equal(p.sys.mprotect(r, 4096, RO), 0);
    assert.equal(p.inspect.pokeBytes(r, Uint8Array.of(1)), false);
    assert.equal(p.inspect.peekBytes(r, 1)![0], 5);
  });
});
