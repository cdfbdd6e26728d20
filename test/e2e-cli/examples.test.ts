// Every shipped example runs through the shipped CLI and ends as its first line says
// (`// expect: exit N ["glibc message"]`); their asserts prove what their comments teach.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function heapFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? heapFiles(p) : f.endsWith('.heap') ? [p] : [];
  });
}

const run = (args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('examples through the CLI', function () {
  this.timeout(180_000);
  for (const file of heapFiles('examples')) {
    const first = readFileSync(file, 'utf8').split('\n')[0];
    const m = /^\/\/ expect: exit (\d+)(?: "(.*)")?/.exec(first);
    it(`${file} ${m ? `exits ${m[1]}` : 'has an expect line'}`, () => {
      assert.ok(m, `${file} starts with // expect: exit N`);
      const r = run(['run', file, '--quiet']);
      assert.equal(r.status, Number(m![1]), `${file}: stdout ${r.stdout.slice(-400)} stderr ${r.stderr.slice(-400)}`);
      if (m![2]) assert.ok(r.stderr.includes(m![2]), `${file}: stderr has "${m![2]}": ${r.stderr}`);
    });
  }

  it('npm start\'s example prints its story and the summary', () => {
    const r = run(['run', 'examples/default.heap']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /syscall brk\(0x55555557a000\) = 0x55555557a000/);
    assert.match(r.stdout, /malloc\(1\) = 0x5555555592a0/);
    assert.match(r.stdout, /== exit 0 after \d+ steps ==/);
  });

  it('--jsonl prints one JSON event per line, call events in ORACLE.md\'s schema, exit last', () => {
    const r = run(['run', 'examples/default.heap', '--jsonl']);
    assert.equal(r.status, 0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events[events.length - 1], { event: 'exit', status: 0 });
    const first = events.find((e) => e.event === 'call');
    for (const k of ['step', 'line', 'fn', 'args', 'ret', 'brk', 'heap', 'top', 'tcache', 'fastbins', 'unsorted', 'smallbins', 'largebins', 'arena', 'mp', 'mallinfo2', 'resident_pages', 'why']) {
      assert.ok(k in first, `call event has ${k}`);
    }
    assert.deepEqual(first.ret, { ptr: 672, size: 33, usable: 24 });
    assert.equal(first.brk, 135168);
    assert.deepEqual(first.top, [688, 134481]);
    assert.ok(events.some((e) => e.event === 'syscall' && e.name === 'brk'));
  });
});

describe('CLI contract', function () {
  this.timeout(60_000);
  const tmp = (name: string, text: string) => { const p = join(require('node:os').tmpdir(), name); require('node:fs').writeFileSync(p, text); return p; };

  it('reports every syntax error as file:line:col and exits 2 without running', () => {
    const f = tmp('hs-bad.heap', 'int x = ;\nprintf("ran");\nint y = 3 +;\nz(1);\n');
    const r = run(['run', f]);
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.length >= 2, r.stderr);
    assert.match(lines[0], /hs-bad\.heap:1:9: /);
    assert.match(lines[1], /hs-bad\.heap:3:12: /);
    assert.equal(r.stdout, '');
  });

  it('exit statuses: assert 1, exit(n) n, SIGSEGV 139, SIGABRT 134', () => {
    assert.equal(run(['run', tmp('hs-a.heap', 'assert(1 == 2);')]).status, 1);
    assert.equal(run(['run', tmp('hs-e.heap', 'exit(42);')]).status, 42);
    assert.equal(run(['run', tmp('hs-s.heap', 'char *p = (char *)16; *p = 1;')]).status, 139);
    const ab = run(['run', tmp('hs-d.heap', 'char *p = malloc(8); free(p); free(p);'), '--quiet']);
    assert.equal(ab.status, 134);
    assert.match(ab.stderr, /free\(\): double free detected in tcache 2/);
  });

  it('a runaway loop stops at the step limit with a located message', () => {
    const r = run(['run', tmp('hs-loop.heap', 'int x = 0;\nwhile (1) {\n  x++;\n}\n'), '--max-steps', '100000']);
    assert.equal(r.status, 124);
    assert.match(r.stderr, /hs-loop\.heap:[23]:\d+: error: stopped after 100000 steps/);
  });

  it('a 1 TiB request is an ordinary failure, not a crash', () => {
    const r = run(['run', tmp('hs-tib.heap', 'char *p = malloc(1UL << 40);\nassert(p == NULL);\nassert(errno == ENOMEM);\nprintf("ok\\n");'), '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
  });

  it('--quiet prints only the program output', () => {
    const r = run(['run', tmp('hs-q.heap', 'char *p = malloc(1);\nprintf("hello %d\\n", 7);'), '--quiet']);
    assert.equal(r.stdout, 'hello 7\n');
  });

  it('machine options on the command line win over pragmas', () => {
    const f = tmp('hs-arch.heap', '#pragma arch i386\nprintf("%d\\n", (int)sizeof(long));');
    assert.equal(run(['run', f, '--quiet']).stdout, '4\n');
    assert.equal(run(['run', f, '--quiet', '--arch', 'x86_64']).stdout, '8\n');
  });
});
