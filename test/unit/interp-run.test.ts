// The interpreter end to end on small scenarios: C semantics, the call stack, stepping and
// the events a run reports. Expected values are what gcc's C gives (worked out by hand).
import { strict as assert } from 'node:assert';
import { loadScenario } from '../../src/machine/scenario';
import type { RunEvent } from '../../src/machine/interp/events';
import type { MachineConfig } from '../../src/machine/config';

function run(src: string, opts: { max?: number; config?: Partial<MachineConfig> } = {}) {
  const events: RunEvent[] = [];
  const r = loadScenario(src, 't.heap', opts.config ?? {}, (e) => events.push(e));
  if (!r.ok) throw new Error('does not compile: ' + r.diagnostics.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`).join('; '));
  const reason = r.scenario.interp.run(opts.max ?? 10_000_000);
  const out = events.filter((e) => e.event === 'output').map((e) => (e as { text: string }).text).join('');
  return { reason, out, events, sc: r.scenario, status: r.scenario.interp.exitStatus };
}

describe('interpreter', () => {
  it('runs script-style statements in order and prints with printf', () => {
    const r = run(`int x = 6; int y = 7; printf("%d*%d=%d\\n", x, y, x * y);`);
    assert.equal(r.out, '6*7=42\n');
    assert.equal(r.status, 0);
  });

  it('calls main after initialising globals, returns its status', () => {
    const r = run(`int g = 40; char msg[] = "hi"; int main(void) { printf("%s %d\\n", msg, g + 2); return 3; }`);
    assert.equal(r.out, 'hi 42\n');
    assert.equal(r.status, 3);
  });

  it('defines functions that return pointers, as C declarators read them', () => {
    const r = run(`struct node { int v; };
      struct node *make(int v) { struct node *p = malloc(sizeof(struct node)); p->v = v; return p; }
      char *skip(char *s, int n) { return s + n; }
      char **self(char **q) { return q; }
      int main() { struct node *a = make(7); char *s = "abcdef"; char *t = 0;
        printf("%d %s %d\\n", a->v, skip(s, 2), self(&t) == &t); return 0; }`);
    assert.equal(r.out, '7 cdef 1\n');
    assert.equal(r.status, 0);
  });

  it('does recursion on a real call stack', () => {
    const r = run(`long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
                   int main() { printf("%ld\\n", fib(20)); return 0; }`);
    assert.equal(r.out, '6765\n');
  });

  it('keeps C order around calls inside expressions and short-circuits', () => {
    const r = run(`int n = 0;
      int bump(int k) { n = n * 10 + k; return k; }
      int main() {
        int a = bump(1) + bump(2) * bump(3);
        int b = 0 && bump(9);
        int c = 1 || bump(9);
        int d = n > 0 ? bump(4) : bump(5);
        printf("%d %d %d %d %d\\n", a, b, c, d, n);
        return 0;
      }`);
    assert.equal(r.out, '7 0 1 4 1234\n');
  });

  it('wraps integer arithmetic as x86-64 does', () => {
    const r = run(`unsigned long x = 0xffffffffffffffff; x = x + 2; int i = 2147483647; i = i + 1;
      unsigned char c = 250; c += 10; long s = -7 / 2; long m = -7 % 2;
      printf("%lu %d %u %ld %ld\\n", x, i, c, s, m);
      unsigned long big = 18446744073709551615UL; printf("%lx %lu\\n", big, big / 3);`);
    assert.equal(r.out, '1 -2147483648 4 -3 -1\nffffffffffffffff 6148914691236517205\n');
  });

  it('scales pointer arithmetic, indexes arrays and walks structs', () => {
    const r = run(`struct node { long v; struct node *next; };
      int main() {
        struct node a, b; a.v = 1; b.v = 2; a.next = &b; b.next = 0;
        long arr[4] = {10, 20, 30};
        long *p = arr; p += 2;
        int total = 0; struct node *n = &a;
        while (n) { total += n->v; n = n->next; }
        printf("%ld %ld %d %ld %d\\n", *p, arr[3], total, (long)(&arr[3] - arr), (int)sizeof(struct node));
        return 0;
      }`);
    assert.equal(r.out, '30 0 3 3 16\n');
  });

  it('handles loops, break, continue and switch', () => {
    const r = run(`int s = 0;
      for (int i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; s += i; }
      int k = 0; do { k++; } while (k < 5);
      int w = 0;
      switch (k) { case 4: w = 4; break; case 5: w = 5; case 6: w += 60; break; default: w = -1; }
      printf("%d %d %d\\n", s, k, w);`);
    assert.equal(r.out, '25 5 65\n');
  });

  it('formats printf conversions like glibc', () => {
    const r = run(`printf("[%5d][%-4d][%05x][%#x][%p][%p][%c][%10s][%.2s][%%][%zu][%lld]\\n", 42, 7, 255, 255, (void *)0, (void *)0x1000, 'A', "hi", "abc", (size_t)123, -5LL);`);
    assert.equal(r.out, '[   42][7   ][000ff][0xff][(nil)][0x1000][A][        hi][ab][%][123][-5]\n');
  });

  it('counts one step per statement and can stop and resume anywhere', () => {
    const src = `int s = 0;\nfor (int i = 0; i < 100; i++) {\n  s += i;\n}\nprintf("%d\\n", s);`;
    const events: RunEvent[] = [];
    const r = loadScenario(src, 't.heap', {}, (e) => events.push(e));
    assert.ok(r.ok);
    const it = r.scenario.interp;
    assert.equal(it.run(10), 'limit');
    assert.equal(it.steps, 10);
    let total = 10;
    while (it.run(7) === 'limit') total += 7;
    const out = events.filter((e) => e.event === 'output').map((e) => (e as { text: string }).text).join('');
    assert.equal(out, '4950\n');
    // 1 (s = 0) + 1 (i = 0) + 101 loop tests + 100 bodies + 1 printf
    assert.equal(it.steps, 204);
  });

  it('stops a runaway loop at the step limit and can resume it', () => {
    const r = run(`while (1) { }`, { max: 1000 });
    assert.equal(r.reason, 'limit');
    assert.equal(r.sc.interp.steps, 1000);
    assert.equal(r.sc.interp.run(500), 'limit');
    assert.equal(r.sc.interp.steps, 1500);
  });

  it('reports a failed assert with its text and exits 1', () => {
    const r = run(`int x = 2;\nassert(x == 3);\nprintf("not reached");`);
    assert.equal(r.status, 1);
    assert.equal(r.out, '');
    const a = r.events.find((e) => e.event === 'assert') as { message: string; line: number };
    assert.equal(a.message, "t.heap:2: main: Assertion `x == 3' failed.");
  });

  it('ends with the exit code of exit(), and 136 on an integer division by zero', () => {
    assert.equal(run(`exit(7); printf("no");`).status, 7);
    const r = run(`int z = 0; int x = 5 / z;`);
    assert.equal(r.status, 136);
    assert.equal((r.events.find((e) => e.event === 'signal') as { signame: string }).signame, 'SIGFPE');
  });

  it('dereferencing NULL is SIGSEGV at address 0', () => {
    const r = run(`int *p = NULL;\n*p = 1;`);
    assert.equal(r.status, 139);
    const s = r.events.find((e) => e.event === 'signal') as { signame: string; addr: string; line: number };
    assert.equal(s.signame, 'SIGSEGV');
    assert.equal(s.addr, '0x0');
    assert.equal(s.line, 2);
  });

  it('runs implicit variables as 64-bit pointer-like values', () => {
    const r = run(`p = malloc(24); q = p + 8; printf("%ld\\n", (long)(q - p));`);
    assert.equal(r.out, '8\n');
  });

  it('overflows the 8 MiB stack with deep recursion: SIGSEGV', () => {
    const r = run(`int down(int n) { char pad[4000]; pad[0] = n; return down(n + 1) + pad[0]; }
                   int main() { return down(0); }`);
    assert.equal(r.status, 139);
  });
});
