// The emulated kernel against this host's Linux, on the facts that are deterministic: faults
// and RSS when touching pages of a fresh anonymous mapping, placement of consecutive
// mappings, splitting by munmap/mprotect, the stack limit, and the page cache (residency,
// file faults, copy-on-write). C probes measure the host.
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

// The page cache against the host: residency after read() (mincore on a mapping), the page a
// fault brings in, the faults of a cached read, a copy-on-write store and an uncached read,
// and what each view of a file sees after private and shared stores
// (test/differential/pagecache-probe.c; readahead off on the host, none in the emulator).
describe('kernel: the page cache against the host', function () {
  this.timeout(60_000);
  type Host = { evictable: boolean; after_read: string; after_fault: string; faults: Record<string, [number, number]>; cow: Record<string, number> };
  let host: Host;
  before(() => {
    mkdirSync('test/differential/build', { recursive: true });
    execFileSync('gcc', ['-O1', '-w', '-o', 'test/differential/build/pagecache-probe', 'test/differential/pagecache-probe.c']);
    host = JSON.parse(execFileSync('test/differential/build/pagecache-probe', ['test/differential/build/pagecache-probe.dat'], { encoding: 'utf8' }));
  });

  it('the same pages cached after read(), a fault, and the same faults and bytes after private and shared stores', function () {
    if (!host.evictable) this.skip();   // a file system whose pages cannot be dropped (tmpfs)
    const N = 64, MAP_SHARED = 1, MAP_PRIVATE = 2, MADV_RANDOM = 1;
    const c = { ...DEFAULT_CONFIG, files: [{ name: 'probe.dat', size: N * P }] };
    const p = createProcess(c, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(c, { rodata: 0, data: 0, bss: 0 }));
    const bits = (m: number) => Array.from({ length: N }, (_, i) => p.residentPages(m + i * P, m + (i + 1) * P)).join('');
    const fd = p.sys.open('probe.dat', 2, 0);
    const look = p.sys.mmap(0, N * P, 1, MAP_SHARED, fd, 0);
    const buf = p.sys.mmap(0, 5 * P, RW, ANON, -1, 0);
    p.sys.read(fd, buf, 5 * P);
    assert.equal(bits(look), host.after_read);
    const priv = p.sys.mmap(0, N * P, RW, MAP_PRIVATE, fd, 0), shar = p.sys.mmap(0, N * P, RW, MAP_SHARED, fd, 0);
    p.sys.madvise(priv, N * P, MADV_RANDOM);
    const f = () => { const k = p.counters(); return [k.minflt, k.majflt]; };
    const d = (a: number[], b: number[]) => [b[0] - a[0], b[1] - a[1]];
    const f0 = f(); p.mem.read8(priv);
    const f1 = f(); p.mem.write8(priv, 0x5a);
    const f2 = f(); p.mem.read8(priv + 40 * P);
    const f3 = f();
    assert.equal(bits(look), host.after_fault);
    assert.deepEqual({ cached_read: d(f0, f1), cow_write: d(f1, f2), uncached_read: d(f2, f3) }, host.faults);
    const one = p.sys.mmap(0, P, RW, ANON, -1, 0);
    p.sys.lseek(fd, 0, 0); p.sys.read(fd, one, 1);
    const b0 = p.mem.read8(one);
    const shared0 = p.mem.read8(shar);
    p.mem.write8(shar + 20 * P + 1, 0x53);
    const privSees = p.mem.read8(priv + 20 * P + 1);
    p.sys.lseek(fd, 20 * P + 1, 0); p.sys.read(fd, one, 1);
    assert.deepEqual({ priv: p.mem.read8(priv), pread: b0, shared: shared0, priv_sees_shared: privSees, pread_after_shared: p.mem.read8(one) }, host.cow);
  });
});
