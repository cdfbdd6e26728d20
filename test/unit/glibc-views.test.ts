// The pwndbg-style views: `heap`, `bins` and `vis_heap_chunks` in pwndbg's vocabulary and
// layout, plus what pwndbg cannot show (each free chunk's bin, the mmapped chunks). Reading
// them changes nothing in the machine.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { createGlibc } from '../../src/machine/glibc/index';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';

function fresh() {
  const c = DEFAULT_CONFIG;
  const proc = createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(c, { rodata: 0, data: 0, bss: 0 }));
  return { g: createGlibc(proc, { seed: 1 }), proc };
}

describe('glibc views (pwndbg vocabulary)', () => {
  it('heap lists every chunk with its flags, the free ones with their bin, then top and the mmapped chunks', () => {
    const { g } = fresh();
    const a = g.malloc(24);
    g.malloc(24);
    g.free(a);
    g.malloc(300 * 1024);
    const t = g.heapText();
    assert.match(t, /^Allocated chunk \| PREV_INUSE\nAddr: 0x555555559000\nSize: 0x290 \(with flag bits: 0x291\)\n/);
    assert.match(t, /Free chunk \(tcachebins\) \| PREV_INUSE\nAddr: 0x555555559290\nSize: 0x20 \(with flag bits: 0x21\)\nfd: 0x555555559\nIn: tcache\[0x20\]/);
    assert.match(t, /Top chunk \| PREV_INUSE\nAddr: 0x5555555592d0/);
    assert.match(t, /Mmapped chunks \(each in its own mapping\):\nAllocated chunk \| IS_MMAPED\n/);
  });

  it('bins prints each list as pwndbg does', () => {
    const { g } = fresh();
    const p: number[] = [];
    for (let i = 0; i < 9; i++) p.push(g.malloc(0x28));
    const big = g.malloc(0x500);
    g.malloc(0x18);
    for (let i = 0; i < 8; i++) g.free(p[i]);
    g.free(big);
    const b = g.binsText();
    // nine 0x30 chunks from heap+0x290: tcache lists user pointers (newest first), the
    // fastbin and the unsorted bin list chunk addresses, the bin head inside main_arena
    assert.match(b, /^tcachebins\n0x30 \[  7\]: 0x5555555593c0 —▸ 0x555555559390 —▸ .* ◂— 0\n/);
    assert.match(b, /\nfastbins\n0x30: 0x5555555593e0 ◂— 0\n/);
    assert.match(b, /\nunsortedbin\nall: 0x555555559440 —▸ 0x7ffff7fa8cc0 \(main_arena\+96\) ◂— 0x555555559440\n/);
    assert.match(b, /\nsmallbins\nempty\nlargebins\nempty\n$/);
  });

  it('vis shows the words of each chunk, marks top and free chunks, and changes nothing', () => {
    const { g, proc } = fresh();
    const a = g.malloc(24);
    g.free(a);
    const before = proc.counters();
    const v = g.visText();
    assert.match(v, /0x555555559290\t0x0000000000000000\t0x0000000000000021\t\.\.\.\.\.\.\.\.!\.\.\.\.\.\.\.\t <-- tcache\[0x20\]/);
    assert.match(v, /0x5555555592b0\t0x0000000000000000\t0x0000000000020d51\t\.\.\.\.\.\.\.\.Q\.\.\.\.\.\.\.\t <-- Top chunk/);
    g.heapText(); g.binsText(); g.state();
    assert.deepEqual(proc.counters(), before);
  });
});
