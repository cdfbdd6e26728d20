// The allocator's fast entry path (glibc/fastpath.ts, taken when nobody reads the narration)
// against its general path (taken when narrating): the same seeded calls, including double
// frees, overwritten size fields and forged tcache keys, must give the same pointers, the same
// aborts, the same bytes in the heap and in libc's data, and the same page walks and faults.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { createGlibc } from '../../src/machine/glibc/index';
import { LIBC_OFF } from '../../src/machine/glibc/mstate';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';
import { MachineSignal } from '../../src/machine/signals';

function fresh(explain: boolean) {
  const c = DEFAULT_CONFIG;
  const layout = computeLayout(c, { rodata: 0, data: 0, bss: 0 });
  const proc = createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, layout);
  const g = createGlibc(proc, { seed: 7 });
  g.explain = explain;
  return { g, proc, layout };
}
type World = ReturnType<typeof fresh>;

function outcome(f: () => number | void): string {
  try { return `ok ${String(f())}`; } catch (e) {
    if (e instanceof MachineSignal) return `${e.signame} ${e.message}`;
    throw e;
  }
}

// every resident page of the heap and of libc's data, byte for byte
function image(w: World): string[] {
  const out: string[] = [];
  const pages = (from: number, to: number) => {
    for (let a = from - (from % 4096); a < to; a += 4096) {
      const b = w.proc.inspect.peekBytes(a, 4096);
      out.push(b ? Buffer.from(b).toString('base64') : '-');
    }
  };
  pages(w.layout.heapBase, w.proc.brkNow());
  pages(w.layout.libcData, w.layout.libcData + LIBC_OFF.__curbrk + 8);
  return out;
}

const walks = (w: World): number => (w.proc.mem as unknown as { misses: number }).misses;

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}

// `ops` calls compared; when one ends the process (an abort), both worlds start again
function run(seed: number, ops: number): { aborts: number } {
  let slow = fresh(true), fast = fresh(false);
  const r = rng(seed);
  let live: number[] = [];
  let freed: number[] = [];
  let aborts = 0;
  for (let i = 0; i < ops; i++) {
    const k = r(1000) / 10;
    let step: (w: World) => number | void;
    let what: string;
    if (k < 45 || live.length === 0) {
      const n = r(10) === 0 ? r(5000) : r(600);
      what = `malloc(${n})`;
      step = (w) => w.g.malloc(n);
    } else if (k < 88) {
      const j = r(live.length);
      const p = live[j];
      live.splice(j, 1);
      freed.push(p);
      what = `free(0x${p.toString(16)})`;
      step = (w) => w.g.free(p);
    } else if (k < 88.6 && freed.length) {
      const p = freed[r(freed.length)];
      what = `double free(0x${p.toString(16)})`;
      step = (w) => w.g.free(p);
    } else if (k < 89 && live.length) {
      // an overflow into a live chunk's size field, or a forged tcache key in its body
      const p = live[r(live.length)];
      const sizeField = r(2) === 0;
      const v = sizeField ? [0x21, 0x31, 0x91, 0x421, 0x2, 0x4][r(6)] : 0;
      what = sizeField ? `size of 0x${p.toString(16)} := 0x${v.toString(16)}` : `key of 0x${p.toString(16)} := tcache_key`;
      step = (w) => {
        if (sizeField) w.proc.mem.write64(p - 8, v);
        else w.proc.mem.writeBytes(p + 8, w.proc.inspect.peekBytes(w.layout.libcData + LIBC_OFF.tcache_key, 8)!);
      };
    } else {
      const n = r(700);
      what = `malloc(${n})`;
      step = (w) => w.g.malloc(n);
    }
    const a = outcome(() => step(slow)), b = outcome(() => step(fast));
    assert.equal(b, a, `seed ${seed}, op ${i}: ${what}`);
    if (a.startsWith('SIG')) { aborts++; slow = fresh(true); fast = fresh(false); live = []; freed = []; continue; }
    if (what.startsWith('malloc') && a !== 'ok 0') live.push(Number(a.slice(3)));
    assert.deepEqual(image(fast), image(slow), `seed ${seed}, op ${i}: ${what}: memory differs`);
    assert.equal(walks(fast), walks(slow), `seed ${seed}, op ${i}: page walks differ`);
    assert.equal(fast.proc.counters().minflt, slow.proc.counters().minflt, `seed ${seed}, op ${i}: faults differ`);
  }
  return { aborts };
}

describe('glibc fast entry path', () => {
  let aborts = 0;
  for (let seed = 1; seed <= 30; seed++) {
    it(`seed ${seed}: same pointers, aborts, bytes and page walks as the general path`, () => { aborts += run(seed, 500).aborts; });
  }
  it('the aborts were compared too', () => assert.ok(aborts >= 10, `${aborts} aborts`));
});
