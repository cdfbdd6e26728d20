// syscalls() and tlb_misses(): the kernel-entry and page-walk counters a scenario can assert
// on. Expected values follow from Linux's rules (one system call per wrapper call; a page's
// first touch is a fault, not a system call) and from the TLB's two levels (64 and 1024
// entries), worked out by hand, and are checked against the events the run reports.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { compile, formatDiagnostic } from '../../src/lang/index';
import { loadScenario } from '../../src/machine/scenario';
import type { RunEvent } from '../../src/machine/interp/events';

function run(src: string) {
  const events: RunEvent[] = [];
  const r = loadScenario(src, 't.heap', {}, (e) => events.push(e));
  if (!r.ok) throw new Error('does not compile: ' + r.diagnostics.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`).join('; '));
  r.scenario.interp.run(10_000_000);
  const out = events.filter((e) => e.event === 'output').map((e) => (e as { text: string }).text).join('');
  return { out, events, status: r.scenario.interp.exitStatus, sc: r.scenario };
}
const numbers = (out: string) => out.trim().split(/\s+/).map(Number);
const X64 = { arch: 'x86_64' as const, rodataBase: 0x555555556000, dataBase: 0x555555558010 };

describe('built-ins: syscalls() and tlb_misses()', () => {
  it('type as long and take no arguments', () => {
    const r = compile('long a = syscalls(); long b = tlb_misses(); unsigned long c = syscalls() + tlb_misses();', 't.heap', X64);
    assert.ok(r.program, r.diagnostics.map(formatDiagnostic).join('\n'));
    const bad = compile('long a = syscalls(1);', 't.heap', X64);
    assert.equal(bad.program, null);
    assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && d.loc.line === 1));
  });

  it('syscalls() counts each system call once: the first malloc\'s brk calls, none for the pool, one per mmap and munmap', () => {
    const r = run(`int main(void) {
      long s0 = syscalls();
      char *p = malloc(24);
      long s1 = syscalls();
      for (int i = 0; i < 100; i++) p = malloc(24);
      long s2 = syscalls();
      char *m[5];
      for (int i = 0; i < 5; i++) m[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      long s3 = syscalls();
      for (int i = 0; i < 5; i++) m[i][0] = 1;
      long s4 = syscalls();
      for (int i = 0; i < 3; i++) munmap(m[i], 4096);
      long s5 = syscalls();
      printf("%ld %ld %ld %ld %ld %ld\\n", s0, s1 - s0, s2 - s1, s3 - s2, s4 - s3, s5 - s4);
      return 0;
    }`);
    assert.equal(r.status, 0);
    const [s0, first, pool, maps, touch, unmaps] = numbers(r.out);
    assert.equal(s0, 0);
    // the first malloc (line 3): the system calls the run reports there, brk(0) and brk(+0x21000) among them
    const atFirst = r.events.filter((e) => e.event === 'syscall' && (e as { line: number }).line === 3) as unknown as { name: string }[];
    assert.equal(first, atFirst.length);
    assert.ok(atFirst.filter((e) => e.name === 'brk').length >= 2);
    assert.equal(pool, 0);
    assert.equal(maps, 5);
    assert.equal(touch, 0);                 // first touches are page faults, not system calls
    assert.equal(unmaps, 3);
    const all = r.events.filter((e) => e.event === 'syscall').length;
    assert.equal(r.sc.proc.counters().syscalls, all);
  });

  it('syscalls() counts a failed call too, and reading it changes nothing', () => {
    const r = run(`long a = syscalls(); long b = syscalls();
      char *m = mmap(NULL, 1UL << 50, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      printf("%ld %ld %d\\n", b - a, syscalls() - b, m == MAP_FAILED);`);
    assert.deepEqual(numbers(r.out), [0, 1, 1]);
  });

  it('tlb_misses(): a first touch walks once, a small set then hits, a sweep past the STLB misses every page', () => {
    const r = run(`int main(void) {
      char *m = mmap(NULL, 2048UL * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      long t0 = tlb_misses();
      for (unsigned long i = 0; i < 8; i++) m[i * 4096] = 1;
      long t1 = tlb_misses();
      for (int r = 0; r < 50; r++) for (unsigned long i = 0; i < 8; i++) m[i * 4096] += 1;
      long t2 = tlb_misses();
      for (unsigned long i = 0; i < 2048; i++) m[i * 4096] = 1;
      long t3 = tlb_misses();
      long f3 = minflt();
      for (unsigned long i = 0; i < 2048; i++) m[i * 4096] += 1;
      long t4 = tlb_misses();
      printf("%ld %ld %ld %ld %ld\\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3, minflt() - f3);
      return 0;
    }`);
    assert.equal(r.status, 0);
    const [first, small, sweep, again, faults] = numbers(r.out);
    assert.equal(first, 8);                 // one walk per new page (the fault is part of it)
    assert.equal(small, 0);                 // 400 accesses to 8 pages: all hits
    assert.equal(sweep, 2048 - 8);          // the 8 pages just used are still held
    assert.equal(again, 2048);              // 2048 pages > 1024 STLB entries: every access walks
    assert.equal(faults, 0);                // misses are walks, not page faults
  });

  it('are coloured as introspection built-ins by the grammar', () => {
    const g = JSON.parse(readFileSync('syntaxes/heapstep.tmLanguage.json', 'utf8'));
    const pats: { name?: string; match?: string }[] = g.repository.builtins.patterns;
    const intro = pats.find((p) => p.name === 'support.function.introspection.heapstep')!;
    const re = new RegExp(intro.match!);
    for (const name of ['syscalls', 'tlb_misses']) {
      assert.ok(re.test(`${name}()`), name);
      assert.ok(!re.test(`${name}_x()`), `${name}_x`);
    }
  });
});
