// Files, the page cache and reclaim through the process API, on small machines where every
// counter can be worked out by hand. The process API runs no background work by itself:
// kswapd and the flusher run only when a test calls background(), as the interpreter does
// between steps.
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG, type MachineConfig } from '../../src/machine/config';
import { computeLayout } from '../../src/machine/kernel/layout';
import { createProcess } from '../../src/machine/kernel/process';
import { dirtyBackgroundThresh, getScanCount } from '../../src/machine/kernel/vmscan';
import { watermarks } from '../../src/machine/kernel/vmstat';
import { MachineSignal } from '../../src/machine/signals';
import { loadScenario } from '../../src/machine/scenario';

const RW = 3, ANON = 0x22, SHARED = 0x01, PRIVATE = 0x02;
const O_RDONLY = 0, O_RDWR = 2, MS_SYNC = 4;
const PAGE = 4096;
const MiB = 1 << 20;

function proc(c: Partial<MachineConfig> = {}) {
  const config = { ...DEFAULT_CONFIG, ...c };
  return createProcess(config, { rodata: { addr: 0, bytes: new Uint8Array() }, dataSize: 0, bssSize: 0 }, computeLayout(config, { rodata: 0, data: 0, bss: 0 }));
}
type P = ReturnType<typeof proc>;
const free = (p: P) => p.counters().freeFrames;
const v = (p: P, k: string) => p.vmEvent(k);

// Reads a whole file through read() into a fresh anonymous buffer.
function readAll(p: P, name: string, size: number): number {
  const fd = p.sys.open(name, O_RDONLY, 0);
  const buf = p.sys.mmap(0, size, RW, ANON, -1, 0);
  assert.equal(p.sys.read(fd, buf, size), size);
  return fd;
}

// Touches fresh anonymous pages one at a time until `stop` says so; returns the next address.
function touchUntil(p: P, stop: () => boolean, len = 15 * MiB): number {
  const a = p.sys.mmap(0, len, RW, ANON, -1, 0);
  let off = 0;
  while (!stop()) { p.mem.write8(a + off, 1); off += PAGE; }
  return a + off;
}

describe('machine: files, page cache and reclaim', () => {
  it('derives the zone watermarks from RAM as mm/page_alloc.c does', () => {
    // 16 MiB = 16384 kB: min_free_kbytes = sqrt(16384 * 16) = 512 kB = 128 pages; the gap is
    // max(128 / 4, 4096 * 10 / 10000 = 4) = 32, so low = 160 and high = 192.
    assert.deepEqual(watermarks(4096), { min: 128, low: 160, high: 192 });
    // 4 GiB: sqrt(4194304 * 16) = 8192 kB = 2048 pages; gap max(512, 1048576 * 10 / 10000 =
    // 1048) = 1048 (watermark_scale_factor wins on big machines).
    assert.deepEqual(watermarks(1 << 20), { min: 2048, low: 3096, high: 4144 });
    // 16 TiB: sqrt(2^34 * 16) = 2^19 kB is clamped to 262144 kB = 65536 pages.
    assert.equal(watermarks(2 ** 32).min, 65536);
    // 1 MiB: sqrt(1024 * 16) = 128 kB, the floor of the clamp: 32 pages.
    assert.equal(watermarks(256).min, 32);
  });

  it('read() fills the page cache once; a second read activates the pages and does no I/O', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'f.bin', size: 10 * PAGE }] });
    const fd = readAll(p, 'f.bin', 10 * PAGE);
    // ten pages read from the disk (pgpgin is in kB), each seen once: inactive, referenced
    assert.equal(v(p, 'pgpgin'), 40);
    assert.equal(v(p, 'Cached'), 40);
    assert.equal(v(p, 'Inactive(file)'), 40);
    assert.equal(v(p, 'Active(file)'), 0);
    assert.equal(p.counters().rssFile, 0);           // read() maps nothing
    p.sys.lseek(fd, 0, 0);
    const buf = p.sys.mmap(0, 10 * PAGE, RW, ANON, -1, 0);
    assert.equal(p.sys.read(fd, buf, 10 * PAGE), 10 * PAGE);
    // second access of a referenced inactive page: mark_page_accessed activates it
    assert.equal(v(p, 'pgpgin'), 40);
    assert.equal(v(p, 'Active(file)'), 40);
    // the pattern: 0x41 + (offset + page index) % 26, so offset 0 is 'A' and offset 4096 is
    // 0x41 + 4097 % 26 = 0x41 + 15, 'P'
    assert.equal(p.mem.read8(buf), 0x41);
    assert.equal(p.mem.read8(buf + PAGE), 0x50);
    // mincore on a mapping of the file: resident before any touch, because the cache holds it
    const m = p.sys.mmap(0, 10 * PAGE, 1, PRIVATE, fd, 0);
    assert.equal(p.residentPages(m, m + 10 * PAGE), 10);
    assert.equal(p.counters().minflt + p.counters().majflt, v(p, 'pgfault'));
  });

  it('a file fault: major when the disk is read, minor on a cache hit; copy-on-write on a private store', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'd', size: 2 * PAGE }] });
    const fd = p.sys.open('d', O_RDWR, 0);
    const priv = p.sys.mmap(0, 2 * PAGE, RW, PRIVATE, fd, 0);
    const shar = p.sys.mmap(0, 2 * PAGE, RW, SHARED, fd, 0);
    const c0 = p.counters();
    p.mem.write8(priv, 0x70);               // miss: read page 0 from the disk (major), then copy it
    let c = p.counters();
    assert.equal(c.majflt - c0.majflt, 1);
    assert.equal(c.rssAnon - c0.rssAnon, PAGE);   // the copy is anonymous memory
    assert.equal(c.rssFile - c0.rssFile, 0);
    assert.equal(p.mem.read8(shar), 0x41);  // the cached page, untouched by the private store: minor
    c = p.counters();
    assert.equal(c.majflt - c0.majflt, 1);
    assert.equal(c.minflt - c0.minflt, 1);
    assert.equal(c.rssFile - c0.rssFile, PAGE);
    p.mem.write8(shar + 1, 0x53);           // write-protect fault: the cached page becomes dirty
    assert.equal(p.counters().minflt - c0.minflt, 2);
    assert.equal(v(p, 'Dirty'), 4);
    assert.equal(p.mem.read8(priv + 1), 0x42);    // the private copy was taken before
    assert.equal(p.sys.msync(shar, 2 * PAGE, MS_SYNC), 0);
    assert.equal(v(p, 'Dirty'), 0);
    assert.equal(v(p, 'nr_written'), 1);
    assert.equal(v(p, 'pgpgout'), 4);
    // written back means write-protected again: the next store faults and dirties the page
    p.mem.write8(shar + 2, 1);
    assert.equal(p.counters().minflt - c0.minflt, 3);
    assert.equal(v(p, 'Dirty'), 4);
    // beyond the end of the file: SIGBUS, as a mapping longer than its file gives
    const long = p.sys.mmap(0, 4 * PAGE, 1, SHARED, fd, 0);
    assert.throws(() => p.mem.read8(long + 3 * PAGE), (e: unknown) => e instanceof MachineSignal && e.signame === 'SIGBUS');
  });

  it('kswapd: woken below low, reclaims clean page cache up to high between steps', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'c', size: 64 * PAGE }] });
    readAll(p, 'c', 64 * PAGE);
    // touch anonymous pages: the allocation that leaves 159 free pages is the one that found
    // free == low (160, not above it) and woke kswapd; nothing is reclaimed yet
    touchUntil(p, () => free(p) === 159);
    assert.equal(v(p, 'pageoutrun'), 1);
    assert.equal(v(p, 'pgscan_kswapd'), 0);
    p.background();
    // kswapd wants max(32, high 192 - 159 = 33) = 33 pages. No swap: file pages only, 64 on the
    // inactive list. Priority 12..7 scan 64 >> p = 0; then (list size >> priority), the list
    // shrinking as pages go: p6 64>>6 = 1 (63 left), p5 63>>5 = 1 (62), p4 62>>4 = 3 (59),
    // p3 59>>3 = 7 (52), p2 52>>2 = 13 (39): 25 reclaimed; p1 39>>1 = 19: 44 >= 33, done.
    // Every scanned page is clean and unmapped, so every scanned page is reclaimed.
    assert.equal(v(p, 'pgscan_kswapd'), 44);
    assert.equal(v(p, 'pgsteal_kswapd'), 44);
    assert.equal(free(p), 159 + 44);              // 203 >= high: kswapd sleeps
    assert.equal(v(p, 'Cached'), (64 - 44) * 4);
    assert.equal(v(p, 'pgpgout'), 0);             // clean: no writes
    assert.equal(v(p, 'allocstall'), 0);
  });

  it('direct reclaim: an allocation at min reclaims for itself (one stall)', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'c', size: 64 * PAGE }] });
    readAll(p, 'c', 64 * PAGE);
    // no background(): kswapd is woken at 160 but never runs. Allocations go on down to
    // free == 128 (an allocation needs free > min); the next one stalls.
    touchUntil(p, () => v(p, 'allocstall') === 1);
    // try_to_free_pages wants SWAP_CLUSTER_MAX = 32: the same priority walk as kswapd's
    // (1 + 1 + 3 + 7 + 13 = 25 < 32, then 19 more at priority 1) reclaims 44; the stalled
    // allocation then takes one: 128 + 44 - 1.
    assert.equal(v(p, 'pgscan_direct'), 44);
    assert.equal(v(p, 'pgsteal_direct'), 44);
    assert.equal(free(p), 128 + 44 - 1);
    assert.equal(v(p, 'pgscan_kswapd'), 0);
  });

  it('dirty page cache is written back before reclaim can free it', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'w', size: 0 }] });
    const fd = p.sys.open('w', O_RDWR, 0);
    const buf = p.sys.mmap(0, 64 * PAGE, RW, ANON, -1, 0);
    p.mem.fill(buf, 0x78, 64 * PAGE);
    assert.equal(p.sys.write(fd, buf, 64 * PAGE), 64 * PAGE);
    // whole-page writes past the end need no read; each page dirtied once
    assert.equal(v(p, 'pgpgin'), 0);
    assert.equal(v(p, 'Dirty'), 256);
    assert.equal(v(p, 'nr_dirtied'), 64);
    touchUntil(p, () => free(p) === 159);
    p.background();
    // the same 44 pages as for clean cache, each written first
    assert.equal(v(p, 'pgsteal_kswapd'), 44);
    assert.equal(v(p, 'nr_written'), 44);
    assert.equal(v(p, 'Dirty'), (64 - 44) * 4);
    assert.equal(p.sys.fsync(fd), 0);             // the rest
    assert.equal(v(p, 'nr_written'), 64);
    // the disk kept the bytes: a fresh read after everything was dropped brings them back
    const again = p.sys.mmap(0, PAGE, RW, ANON, -1, 0);
    p.sys.lseek(fd, 0, 0);
    assert.equal(p.sys.read(fd, again, PAGE), PAGE);
    assert.equal(p.mem.read8(again + 100), 0x78);
  });

  it('the flusher: dirty pages older than dirty_expire go at its 5 s wake-ups; above the background threshold at once', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'w', size: 0 }] });
    let now = 0, due = Infinity;
    p.attachClock(() => now, (at) => { due = Math.min(due, at); });
    const fd = p.sys.open('w', O_RDWR, 0);
    const buf = p.sys.mmap(0, 512 * PAGE, RW, ANON, -1, 0);
    p.sys.write(fd, buf, 4 * PAGE);               // 4 dirty pages at step 0: the timer starts
    assert.equal(due, 5000);                      // dirty_writeback_centisecs 500, 1 ms a step
    const runs: number[] = [];
    while (v(p, 'nr_written') === 0) { now = due; due = Infinity; runs.push(now); p.background(); }
    // at 5000..25000 the pages are younger than dirty_expire (30000 steps); at 30000 they go
    assert.deepEqual(runs, [5000, 10000, 15000, 20000, 25000, 30000]);
    assert.equal(v(p, 'nr_written'), 4);
    assert.equal(due, Infinity);                  // nothing dirty: the timer stops
    // 500 pages at once pass dirty_background_ratio (10% of free + cache): the flusher is due
    // at once and writes the oldest until the dirty count is back at the threshold
    now = 40000;
    p.sys.write(fd, buf, 500 * PAGE);
    assert.equal(due, 40000);
    now = due; due = Infinity; p.background();
    assert.equal(v(p, 'nr_written') - 4, 500 - dirtyBackgroundThresh(p.mm));
    assert.equal(v(p, 'Dirty'), dirtyBackgroundThresh(p.mm) * 4);
  });

  it('get_scan_count: swap, swappiness and cache_trim_mode decide what is scanned', () => {
    const p = proc({ ram: 64 * MiB, swap: 64 * MiB, files: [{ name: 'c', size: 1000 * PAGE }] });
    const fd = readAll(p, 'c', 1000 * PAGE);
    const base = p.mm.resident.size;              // the 1000-page read buffer and start-up pages
    // read the first 600 pages again: active 600, inactive 400 — inactive is low (400 < 600),
    // so cache_trim_mode is off and both kinds are scanned
    const buf = p.sys.mmap(0, 600 * PAGE, RW, ANON, -1, 0);
    p.sys.lseek(fd, 0, 0);
    p.sys.read(fd, buf, 600 * PAGE);
    const anon = p.mm.resident.size;
    assert.equal(anon, base + 600);
    // swappiness 60: anon : file = 60 : 140, of (size >> priority), rounded up
    assert.deepEqual(getScanCount(p.mm, 2), { anon: Math.ceil((anon >> 2) * 60 / 200), file: Math.ceil((1000 >> 2) * 140 / 200) });
    p.mm.swappiness = 0;                          // file only while there is page cache
    assert.deepEqual(getScanCount(p.mm, 2), { anon: 0, file: 250 });
    p.mm.swappiness = 200;                        // anon only
    assert.deepEqual(getScanCount(p.mm, 2), { anon: anon >> 2, file: 0 });
    const noSwap = proc({ ram: 64 * MiB });
    noSwap.sys.mmap(0, PAGE, RW, ANON, -1, 0);
    assert.equal(getScanCount(noSwap.mm, 0).anon, 0);   // nowhere to put anon pages
  });

  it('swap: anonymous pages go out when cold and come back as major faults', () => {
    const p = proc({ ram: 16 * MiB, swap: 16 * MiB, overcommit: 1 });
    const n = 5000;                               // more pages than RAM holds
    const a = p.sys.mmap(0, n * PAGE, RW, ANON, -1, 0);
    for (let i = 0; i < n; i++) { p.mem.write32(a + i * PAGE, i); p.background(); }
    assert.ok(v(p, 'pswpout') > 0);
    assert.equal(v(p, 'SwapFree'), v(p, 'SwapTotal') - (p.counters().swapUsed >> 10));
    const out = p.counters().swapUsed / PAGE;
    const maj0 = p.counters().majflt;
    for (let i = 0; i < n; i++) assert.equal(p.mem.read32(a + i * PAGE), i);
    // each read of a swapped page is one major fault and one pswpin
    assert.equal(v(p, 'pswpin'), p.counters().majflt - maj0);
    assert.ok(v(p, 'pswpin') >= out);
    assert.equal(v(p, 'oom_kill'), 0);
  });

  it('the OOM killer takes the task with the highest badness: the hog first, then the scenario', () => {
    const p = proc({ ram: 16 * MiB, overcommit: 1, hogs: [8 * MiB] });
    // the hog took 2048 pages at boot
    assert.equal(v(p, 'Unevictable'), 8192);
    const f0 = free(p);
    touchUntil(p, () => v(p, 'oom_kill') === 1);
    // no swap, no page cache: at min direct reclaim finds nothing, and the scenario (fewer
    // than 4096 - 2048 pages) is smaller than the hog: the hog dies, its 2048 pages come back,
    // and the stalled allocation takes one of them
    assert.equal(v(p, 'Unevictable'), 0);
    assert.equal(free(p), 128 + 2048 - 1);
    assert.ok(f0 > 128);
    let killed: MachineSignal | null = null;
    try { touchUntil(p, () => false); } catch (e) { if (e instanceof MachineSignal) killed = e; else throw e; }
    assert.equal(killed?.signame, 'SIGKILL');
    assert.match(killed!.message, /Killed process 1 \(scenario\)/);
    assert.equal(v(p, 'oom_kill'), 2);
  });

  it('file system calls: errors as Linux returns them, write(1) is output, O_CREAT and O_APPEND', () => {
    const p = proc({ files: [{ name: 'ro', size: 10, text: new TextEncoder().encode('0123456789') }] });
    const out: string[] = [];
    p.stdout = (b) => out.push(new TextDecoder().decode(b));
    const buf = p.sys.mmap(0, PAGE, RW, ANON, -1, 0);
    assert.equal(p.sys.open('missing', O_RDONLY, 0), -2);        // ENOENT
    assert.equal(p.sys.read(42, buf, 1), -9);                     // EBADF
    const fd = p.sys.open('ro', O_RDONLY, 0);
    assert.equal(fd, 3);
    assert.equal(p.sys.write(fd, buf, 1), -9);                    // not open for writing
    assert.equal(p.sys.read(fd, buf, 100), 10);                   // short read at the end of file
    assert.equal(p.sys.read(fd, buf, 100), 0);
    assert.equal(p.sys.read(fd, 0x1000, 1), 0);                   // at EOF nothing is copied
    assert.equal(p.sys.lseek(fd, 0, 0), 0);
    assert.equal(p.sys.read(fd, 0x1000, 1), -14);                 // EFAULT, not a signal
    assert.equal(p.sys.mmap(0, PAGE, RW, SHARED, fd, 0), -13);    // EACCES: shared writable on O_RDONLY
    p.mem.write32(buf, 0x0a216968);                               // "hi!\n"
    assert.equal(p.sys.write(1, buf, 4), 4);
    assert.deepEqual(out, ['hi!\n']);
    const n = p.sys.open('new', 0x40 | 0x400 | 1, 0o644);           // O_CREAT | O_APPEND | O_WRONLY
    assert.equal(n, 4);
    p.sys.write(n, buf, 4); p.sys.lseek(n, 0, 0); p.sys.write(n, buf, 4);
    assert.equal(p.sys.lseek(n, 0, 2), 8);                        // appended, not overwritten
    assert.equal(p.sys.close(n), 0);
    assert.equal(p.sys.close(n), -9);
    // O_TRUNC empties the file and its cached pages
    const t = p.sys.open('ro', 0x200 | 2, 0);
    assert.equal(p.sys.lseek(t, 0, 2), 0);
    assert.equal(p.sys.read(t, buf, 10), 0);
    assert.equal(p.vmEvent('Cached'), 4);        // the 8 bytes of 'new' only
  });

  it('mremap moves a file mapping: the private copies move, the file pages come back from the cache', () => {
    const p = proc({ files: [{ name: 'm', size: 4 * PAGE }] });
    const fd = p.sys.open('m', O_RDWR, 0);
    const a = p.sys.mmap(0, 2 * PAGE, RW, PRIVATE, fd, 2 * PAGE);   // pages 2 and 3 of the file
    p.mem.read8(a);
    p.mem.write8(a + PAGE, 0x21);
    const dest = p.sys.mmap(0, 8 * PAGE, RW, ANON, -1, 0);
    assert.equal(p.sys.mremap(a, 2 * PAGE, 4 * PAGE, 3, dest), dest);   // MREMAP_MAYMOVE | MREMAP_FIXED
    const maj = p.counters().majflt, min = p.counters().minflt;
    // file offset 8192 (page 2) holds 0x41 + (8192 + 2) % 26 = 0x41 + 4 (8194 = 26 * 315 + 4)
    assert.equal(p.mem.read8(dest), 0x45);
    assert.equal(p.mem.read8(dest + PAGE), 0x21);                      // the private copy moved
    assert.equal(p.counters().majflt, maj);                            // page 2 was still cached
    assert.equal(p.counters().minflt, min);                            // and its pte moved: no fault at all
    assert.equal(p.counters().rssFile, PAGE);
    assert.equal(p.vmas().find((x) => x.vm_start === dest)!.pgoff, 2 * PAGE);
  });

  it('snapshot and restore bring back the page cache, the disk and the descriptors', () => {
    const p = proc({ ram: 16 * MiB, files: [{ name: 'f', size: PAGE }] });
    const fd = p.sys.open('f', O_RDWR, 0);
    const m = p.sys.mmap(0, PAGE, RW, SHARED, fd, 0);
    p.mem.write8(m, 0x31);
    const snap = p.snapshot();
    p.mem.write8(m, 0x32);
    p.sys.msync(m, PAGE, MS_SYNC);
    p.sys.close(fd);
    p.restore(snap);
    assert.equal(p.mem.read8(m), 0x31);
    assert.equal(v(p, 'Dirty'), 4);
    assert.equal(v(p, 'nr_written'), 0);
    assert.equal(p.sys.close(fd), 0);
  });

  it('the language: read/write with an int descriptor are the system calls, with an address the memory helpers', () => {
    const text = '#pragma file t.txt "abc"\nint fd = open("t.txt", O_RDONLY);\nchar b[8];\nlong n = read(fd, b, 8);\nassert(n == 3);\nassert(b[2] == \'c\');\nread(b, 2);\nwrite(b, "xy");\nassert(b[0] == \'x\');\nwrite(1, b, 2);\n';
    const out: string[] = [];
    const r = loadScenario(text, 't.heap', {}, (e) => { if (e.event === 'output') out.push(e.text); });
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.diagnostics));
    if (!r.ok) return;
    r.scenario.interp.run(1000);
    assert.equal(r.scenario.interp.exitStatus, 0);
    assert.ok(out.join('').endsWith('xy'));
    // the pragmas refuse what they cannot mean
    const bad = loadScenario('#pragma swappiness 300\n#pragma file x\n#pragma hog lots\nint a = 1;\n', 'b.heap');
    assert.ok(!bad.ok);
    if (!bad.ok) assert.deepEqual(bad.diagnostics.map((d) => d.loc.line), [1, 2, 3]);
    const good = loadScenario('#pragma swappiness 10\n#pragma file a.bin 2MiB\n#pragma file b.txt "x\\ty\\n"\n#pragma hog 1MiB\nint a = 1;\n', 'g.heap');
    assert.ok(good.ok);
    if (good.ok) {
      assert.equal(good.scenario.config.swappiness, 10);
      assert.deepEqual(good.scenario.config.files.map((f) => [f.name, f.size]), [['a.bin', 2 * MiB], ['b.txt', 4]]);
      assert.deepEqual(good.scenario.config.hogs, [MiB]);
    }
  });
});
