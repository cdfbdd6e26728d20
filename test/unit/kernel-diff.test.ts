// The emulated kernel against this host's Linux, on the facts that are deterministic: faults
// and RSS when touching pages of a fresh anonymous mapping, placement of consecutive
// mappings, splitting by munmap/mprotect, and the stack limit. A C probe measures the host.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../../src/machine/config';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';

const P = 4096, RW = 3, ANON = 0x22;

describe('kernel: the emulator against the host', function () {
  this.timeout(60_000);
  let host: { touch: { n: number; minflt: number; rss_pages: number }[]; placement: number[]; split: [number, number, string][]; stack_rlimit: number };
  before(() => {
    mkdirSync('test/differential/build', { recursive: true });
    execFileSync('gcc', ['-O1', '-w', '-o', 'test/differential/build/kernel-probe', 'test/differential/kernel-probe.c']);
    host = JSON.parse(execFileSync('test/differential/build/kernel-probe', { encoding: 'utf8' }));
  });
  const proc = () => {
    const c = DEFAULT_CONFIG;
    return createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(c, { rodata: 0, data: 0, bss: 0 }));
  };

  it('touching N pages of a fresh mapping: the same minor faults and RSS growth', () => {
    const p = proc();
    const emu = [1, 3, 10, 100].map((n) => {
      const m = p.sys.mmap(0, 256 * P, RW, ANON, -1, 0);
      const c0 = p.counters();
      for (let i = 0; i < n; i++) p.mem.write8(m + i * 2 * P, 1);
      const c1 = p.counters();
      p.sys.munmap(m, 256 * P);
      return { n, minflt: c1.minflt - c0.minflt, rss_pages: (c1.rss - c0.rss) / P };
    });
    assert.deepEqual(emu, host.touch);
  });

  it('consecutive anonymous mappings land directly below each other', () => {
    const p = proc();
    const a = p.sys.mmap(0, 64 * P, RW, ANON, -1, 0), b = p.sys.mmap(0, 64 * P, RW, ANON, -1, 0), c = p.sys.mmap(0, 128 * P, RW, ANON, -1, 0);
    assert.deepEqual([(a - b) / P, (b - c) / P], host.placement);
  });

  it('munmap and mprotect split a mapping the same way', () => {
    const p = proc();
    const s = p.sys.mmap(0, 20 * P, RW, ANON, -1, 0);
    p.sys.munmap(s + 4 * P, 2 * P);
    p.sys.mprotect(s + 8 * P, P, 1);
    const emu = p.vmas().filter((v) => v.vm_end > s && v.vm_start < s + 20 * P)
      .map((v) => [(Math.max(v.vm_start, s) - s) / P, (Math.min(v.vm_end, s + 20 * P) - s) / P, `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}p`]);
    assert.deepEqual(emu, host.split);
  });

  it('the stack limit is the host\'s RLIMIT_STACK (8 MiB)', function () {
    if (host.stack_rlimit !== 8 * 1024 * 1024) this.skip();   // a machine with another `ulimit -s`
    assert.equal(proc().layout.stackLimit, host.stack_rlimit);
  });
});
