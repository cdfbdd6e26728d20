// glibc 2.36's allocator on the emulated process: facts checked against the host's real glibc 2.36
// (a small C program printing offsets from sbrk(0) before the first malloc).
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { createGlibc } from '../../src/machine/glibc/index';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';
import { MachineSignal } from '../../src/machine/signals';

function fresh() {
  const c = DEFAULT_CONFIG;
  const layout = computeLayout(c, { rodata: 0, data: 0, bss: 0 });
  const proc = createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, layout);
  const g = createGlibc(proc, { seed: 1 });
  return { g, heap: layout.heapBase };
}

function abortMessage(f: () => void): string {
  try { f(); } catch (e) {
    assert.ok(e instanceof MachineSignal, `expected a MachineSignal, got ${String(e)}`);
    return (e as MachineSignal).message;
  }
  assert.fail('expected an abort');
}

describe('glibc core paths', () => {
  it('before the first malloc the heap is empty', () => {
    const { g } = fresh();
    const s = g.state();
    assert.deepEqual(s.heap, []);
    assert.deepEqual(s.top, [0, 0]);
    assert.equal(s.tcache, null);
  });

  it('first malloc(1): tcache_perthread_struct first, user pointer heap+0x2a0, brk +0x21000, top 0x20d51', () => {
    const { g, heap } = fresh();
    const p = g.malloc(1);
    assert.equal(p - heap, 0x2a0);
    const s = g.state();
    assert.equal(s.brk, 0x21000);
    // tcache_perthread_struct: 2*64 counts + 64*8 entries = 0x280 body, chunk 0x290 | PREV_INUSE
    assert.deepEqual(s.heap, [[0, 0x291], [0x290, 0x21]]);
    assert.deepEqual(s.top, [0x2b0, 0x20d51]);
    assert.equal(s.tcache?.at, 0x10);
    assert.deepEqual(g.retInfo(p), { ptr: 0x2a0, size: 0x21, usable: 0x18 });
  });

  it('seven 0x20 chunks fill tcache bin 0, the eighth goes to fastbin 0; malloc takes the tcache head', () => {
    const { g, heap } = fresh();
    g.malloc(1);
    const p = Array.from({ length: 8 }, () => g.malloc(0x18));
    p.forEach((x) => g.free(x));
    const s = g.state();
    assert.equal(s.tcache?.counts[0], 7);
    // tcache_put pushes at the head: list order is the reverse of the frees
    assert.deepEqual(s.tcache?.chains['0'], p.slice(0, 7).reverse().map((x) => x - heap - 0x10));
    assert.deepEqual(s.fastbins['0'], [p[7] - heap - 0x10]);
    assert.equal(g.malloc(0x18), p[6]);
    assert.equal(p[6] - heap, 0x380);   // host: 0x380
  });

  it('a large request consolidates the fastbin chunk into top before splitting (host: 0x3a0)', () => {
    const { g, heap } = fresh();
    g.malloc(1);
    const p = Array.from({ length: 8 }, () => g.malloc(0x18));
    p.forEach((x) => g.free(x));
    g.malloc(0x18);
    const big = g.malloc(0x20000);
    assert.equal(big - heap, 0x3a0);
    assert.deepEqual(g.state().fastbins, {});
  });

  it('mmap threshold: 0x30000 is mmapped (size 0x31002); freeing it raises the threshold so the next comes from the heap', () => {
    const { g, heap } = fresh();
    g.malloc(1);
    const m = g.malloc(0x30000);
    const r = g.retInfo(m);
    assert.equal(r.mmapped, true);
    assert.equal(r.size, 0x31002);
    g.free(m);
    const s = g.state();
    assert.equal(s.mp.mmap_threshold, 0x31000);
    assert.equal(s.mp.trim_threshold, 0x62000);
    assert.equal(s.mallinfo2.hblks, 0);
    const m2 = g.malloc(0x30000);
    assert.ok(m2 > heap && m2 < heap + 0x1000000, 'second 0x30000 comes from the heap');
    assert.equal(g.retInfo(m2).mmapped, undefined);
  });

  it('double free of a tcache chunk aborts with glibc\'s message', () => {
    const { g } = fresh();
    const x = g.malloc(0x28);
    g.free(x);
    assert.equal(abortMessage(() => g.free(x)), 'free(): double free detected in tcache 2');
  });

  it('fastbin double free (top of bin) aborts with "double free or corruption (fasttop)"', () => {
    const { g } = fresh();
    const p = Array.from({ length: 8 }, () => g.malloc(0x18));
    g.malloc(0x18);   // keep the eighth off top
    p.forEach((x) => g.free(x));
    assert.equal(abortMessage(() => g.free(p[7])), 'double free or corruption (fasttop)');
  });

  it('requests beyond PTRDIFF_MAX fail with ENOMEM and touch nothing', () => {
    const { g } = fresh();
    assert.equal(g.malloc(0xffffffffffffffe0n), 0);
    assert.equal(g.errno, 12);
    assert.deepEqual(g.state().heap, []);
  });

  it('realloc(p, 0) frees and returns NULL (2.36)', () => {
    const { g, heap } = fresh();
    const p = g.malloc(0x18);
    assert.equal(g.realloc(p, 0), 0);
    assert.deepEqual(g.state().tcache?.chains['0'], [p - heap - 0x10]);
  });

  it('trace records sysmalloc on the first malloc and tcache_put / tcache_get on a 0x20 round trip', () => {
    const { g, heap } = fresh();
    const p = g.malloc(0x18);
    assert.ok(g.trace.some((t) => t.event === 'sysmalloc'), JSON.stringify(g.trace));
    // (the narrated path's frame marks aside)
    const events = () => g.trace.filter((t) => !['enter', 'leave', 'locals'].includes(t.event)).map((t) => [t.event, t.chunk]);
    g.free(p);
    assert.deepEqual(events(), [['tcache_put', p - 0x10]]);
    g.malloc(0x18);
    assert.deepEqual(events(), [['tcache_get', p - 0x10]]);
    assert.equal(p - heap, 0x2a0);
  });
});
