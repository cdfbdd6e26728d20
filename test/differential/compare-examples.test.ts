// "Compare with Your Machine" on every shipped example: each one either has no host twin, for
// the reasons listed here, or runs on the host's gcc and glibc 2.36 with every allocator and
// kernel call, every assert and the way it ends agreeing with the emulator. The number of calls
// compared is checked against the CLI's own trace of the example, so none is silently skipped.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareRuns } from '../../src/extension/compare/align';
import { emulate } from '../../src/extension/compare/emulate';
import { runOnHost } from '../../src/extension/compare/host';
import { compareScenario, type CompareOutcome } from '../../src/extension/compare/index';
import { outcomeSummary, reportMarkdown } from '../../src/extension/compare/report';
import { scenarioToC } from '../../src/lang/to-c';
import { generate, PROFILES } from './gen';
import { pool } from './runner';
import { toHeap } from './trace';

const HEADER = 'resources/compare/heapstep-host.h';

// Why each unsupported example has no host twin (the part of each reason before its colon).
const UNSUPPORTED: Record<string, string[]> = {
  'anon-no-swap-oom.heap': ['#pragma ram', '#pragma swap', '#pragma overcommit'],
  'anon-swap-survives.heap': ['#pragma ram', '#pragma swap', '#pragma overcommit', 'vmevent()', 'rss() in an assert', 'majflt() in an assert', 'vmstat()'],
  'dirty-pages-writeback.heap': ['#pragma ram', '#pragma swap', '#pragma file', 'open()', 'vmevent()', 'fsync()', 'lseek()'],
  'eight-gib-on-four.heap': ['#pragma ram', '#pragma swap'],
  'eight-gib-overcommit.heap': ['#pragma overcommit', '#pragma ram', '#pragma swap'],
  'eight-gib-with-swap.heap': ['#pragma overcommit', '#pragma ram', '#pragma swap', 'majflt() in an assert', 'rss() in an assert'],
  'file-mmap-shared-private.heap': ['#pragma ram', '#pragma file', 'open()', 'vmevent()', 'msync()', 'lseek()', '__read()'],
  'i386-8gib.heap': ['#pragma arch i386'],
  'kswapd-vs-direct-reclaim.heap': ['#pragma ram', '#pragma swap', '#pragma file', 'open()', '__read()', 'vmevent()'],
  'lazy-allocation.heap': ['rss() in an assert', 'minflt() in an assert'],
  'lru-cold-pages-first.heap': ['#pragma ram', '#pragma swap', '#pragma file', 'open()', '__read()', 'lseek()', 'vmevent()'],
  'malloc-is-not-a-syscall.heap': ['syscalls()'],
  'malloc-six-steps.heap': ['syscalls()', 'rss() in an assert', 'minflt() in an assert'],
  'oom-killer-picks-the-hog.heap': ['#pragma ram', '#pragma swap', '#pragma overcommit', '#pragma hog', 'vmevent()', 'rss() in an assert'],
  'page-cache-drop.heap': ['#pragma ram', '#pragma swap', '#pragma file', 'open()', '__read()', 'vmevent()', 'lseek()', 'meminfo()'],
  'page-table-levels.heap': ['vmevent()'],
  'swap-full-oom.heap': ['#pragma ram', '#pragma swap', '#pragma overcommit', 'vmevent()', 'rss() in an assert'],
  'tlb.heap': ['syscalls()', 'tlb_misses()', 'minflt() in an assert'],
  'user-kernel-mode.heap': ['syscalls()', 'minflt() in an assert', 'rss() in an assert'],
};

// The language's forms beyond the examples: structs, typedefs, static locals, switch, do/while,
// string and list initialisers, compound assignment on pointers and narrow types, every
// allocator entry point, the kernel calls, and an exit status of its own.
const FEATURES = `struct node { long value; struct node *next; };
struct pair { struct node n; char tag[8]; int k; };
typedef struct node node_t;
char buf[32] = "hello";
char *alias = buf;
int table[4] = {1, 2, 3, 4};
struct pair gp = { { 7, NULL }, "ab", 3 };
static int counter;

int bump(void) { static int calls = 10; calls++; return calls; }
long sum(node_t *n) { long s = 0; while (n) { s += n->value; n = n->next; } return s; }
int classify(int x) {
    switch (x) {
    case 0: return 100;
    case 1: case 2: return 200;
    default: break;
    }
    return -1;
}

int main(void) {
    node_t *head = NULL;
    for (int i = 0; i < 5; i++) {
        node_t *n = malloc(sizeof *n);
        n->value = i * 10;
        n->next = head;
        head = n;
    }
    assert(sum(head) == 100);
    assert(alias == buf && strcmp(alias, "hello") == 0);
    assert(table[2] == 3 && sizeof(table) == 16);
    assert(gp.n.value == 7 && gp.tag[1] == 'b' && gp.k == 3);
    assert(bump() == 11 && bump() == 12);
    assert(classify(0) == 100 && classify(2) == 200 && classify(9) == -1);
    char local[16] = "xyz";
    local[3] = '!';
    assert(strlen(local) == 4);
    unsigned char c = 250;
    c += 10;
    assert(c == 4);
    long *arr = calloc(8, sizeof(long));
    long *q = arr;
    q += 3;
    *q = 42;
    assert(q - arr == 3 && arr[3] == 42);
    int x = 5;
    do { x--; } while (x > 2);
    assert(x == 2);
    counter = x > 1 ? 9 : 1;
    assert(counter == 9);
    unsigned long big = 1UL << 63;
    assert((big >> 62) == 2);
    int neg = -7;
    assert(neg / 2 == -3 && neg % 2 == -1);
    char *r = realloc(arr, 4096);
    assert(r != NULL);
    void *pm;
    int rc = posix_memalign(&pm, 64, 100);
    assert(rc == 0 && ((unsigned long)pm & 63) == 0);
    char *al = aligned_alloc(256, 512);
    char *mem = memalign(4096, 10);
    char *v = valloc(100);
    char *pv = pvalloc(100);
    write(al, "AB");
    write(al + 2, 0x4443, 2);
    assert(memcmp(al, "ABCD", 4) == 0);
    assert(read(al, 4) == 'A');
    mallopt(M_MXFAST, 0);
    free(pm); free(al); free(mem); free(v); free(pv); free(r);
    while (head) { node_t *n = head->next; free(head); head = n; }
    malloc_trim(0);
    char *s = sbrk(0);
    sbrk(4096);
    brk(s);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(mprotect(m, 4096, PROT_READ) == 0);
    assert(madvise(m, 8192, MADV_DONTNEED) == 0);
    assert(mremap(m, 8192, 16384, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);   // two mappings since mprotect
    assert(munmap(m, 8192) == 0);
    char *g = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g = mremap(g, 8192, 16384, MREMAP_MAYMOVE);
    assert(g != MAP_FAILED);
    assert(munmap(g, 16384) == 0);
    char *bad = malloc(-1);
    assert(bad == NULL && errno == ENOMEM);
    return 3;
}
`;

const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.heap') ? [join(d, e.name)] : []));
const EXAMPLES = walk('examples').sort();

// The program's own calls in the CLI's --jsonl trace: allocator calls not made by stdio, and
// the mapping calls the program made (its brk and sbrk are compared through the break only).
function cliCalls(file: string): number {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'run', file, '--jsonl', '--no-why'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  let n = 0;
  for (const l of r.stdout.split('\n')) {
    if (!l) continue;
    const e = JSON.parse(l);
    if (e.event === 'call' && !e.by) n++;
    else if (e.event === 'syscall' && e.by === 'program' && ['mmap', 'mremap', 'munmap', 'mprotect', 'madvise'].includes(e.name)) n++;
  }
  return n;
}

describe('compare with your machine: every example, on the emulator and on the host', function () {
  this.timeout(10 * 60 * 1000);
  const outcomes = new Map<string, CompareOutcome>();
  before(async () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is built (npm run build)');
    const results = await pool(EXAMPLES, 2, (f) => compareScenario(readFileSync(f, 'utf8'), relative('examples', f), { header: HEADER }));
    EXAMPLES.forEach((f, k) => outcomes.set(relative('examples', f), results[k]));
  });

  it('has no twin exactly for the examples listed, for the reasons listed', () => {
    const got: Record<string, string[]> = {};
    for (const [name, o] of outcomes) {
      if (o.kind === 'unsupported') got[name] = [...new Set(o.unsupported.map((u) => u.reason.split(':')[0]))].sort();
    }
    const want = Object.fromEntries(Object.entries(UNSUPPORTED).map(([k, v]) => [k, [...v].sort()]));
    assert.deepEqual(got, want);
  });

  for (const f of EXAMPLES) {
    const name = relative('examples', f);
    if (UNSUPPORTED[name]) continue;
    it(`${name}: every call, assert and the end agree`, () => {
      const o = outcomes.get(name)!;
      assert.equal(o.kind, 'compared', outcomeSummary(o));
      if (o.kind !== 'compared') return;
      const c = o.comparison;
      assert.equal(o.hostGlibc, '2.36');
      assert.deepEqual(c.rows.filter((r) => !r.agree).map((r) => `line ${r.line} ${r.what}: emulator ${r.emulator} | host ${r.host}`), []);
      assert.equal(c.calls.differ, 0);
      assert.equal(c.asserts.differ, 0);
      assert.ok(c.end.agree);
      // every call of the program was compared: as many as the CLI's trace shows
      assert.equal(c.calls.agree, cliCalls(f), 'compared calls vs the CLI trace');
    });
  }

  it('compares a non-trivial number of calls and asserts across the examples', () => {
    let calls = 0, asserts = 0, compared = 0;
    for (const o of outcomes.values()) if (o.kind === 'compared') { compared++; calls += o.comparison.calls.agree; asserts += o.comparison.asserts.host; }
    assert.ok(compared >= 30, `${compared} examples compared`);
    assert.ok(calls >= 500, `${calls} calls compared`);
    assert.ok(asserts >= 50, `${asserts} asserts evaluated on the host`);
  });

  it('agrees on the random traces of the differential test, in every profile, and on the ones that abort', async () => {
    const jobs = [...PROFILES.map((p, k) => ({ name: `${p}-${7000 + k}`, ops: generate(p, 7000 + k, 300) })),
      ...[0, 1, 2, 3].map((k) => ({ name: `abort-${k}`, ops: generate('abort', k, 0) }))];
    const results = await pool(jobs, 2, (j) => compareScenario(toHeap(j.ops, j.name), `${j.name}.heap`, { header: HEADER }));
    results.forEach((o, k) => {
      assert.equal(o.kind, 'compared', outcomeSummary(o));
      if (o.kind !== 'compared') return;
      const c = o.comparison, name = jobs[k].name;
      assert.deepEqual(c.rows.filter((r) => !r.agree).map((r) => `${name} line ${r.line} ${r.what}: emulator ${r.emulator} | host ${r.host}`), []);
      if (name.startsWith('abort')) assert.match(c.rows.find((r) => r.what === 'end')!.host, /exit status 134 \(.+\)/, name);
      else assert.equal(c.calls.agree, jobs[k].ops.filter((op) => op.op !== 'write').length, name);
    });
  });

  it("holds glibc's abort message and the exit status to the host's", () => {
    const o = outcomes.get('double-free-abort.heap')!;
    assert.equal(o.kind, 'compared');
    if (o.kind !== 'compared') return;
    const end = o.comparison.rows.find((r) => r.what === 'end')!;
    const cli = spawnSync(process.execPath, ['dist/cli.js', 'run', 'examples/double-free-abort.heap', '--quiet'], { encoding: 'utf8' });
    const message = cli.stderr.trim().split('\n').pop()!.replace(/^.*?(free\(\))/, '$1');
    assert.match(message, /double free/);
    assert.ok(end.agree && end.host.includes(message) && end.emulator.includes(message), `${end.emulator} | ${end.host}`);
    assert.match(o.hostStderr, /double free detected/);
  });

  it('reports a difference when the host heap is not where the emulator put it', async () => {
    // poison_null_byte pads its first chunk to a 64 KiB boundary computed from the heap's
    // address: with the host heap one page off, the padding request, and the chunks after it, differ
    const file = 'examples/how2heap/poison_null_byte.heap';
    const text = readFileSync(file, 'utf8');
    const t = scenarioToC(text, 'poison_null_byte.heap');
    assert.ok(t.ok);
    const emu = await emulate(text, 'poison_null_byte.heap');
    assert.ok(emu.ok);
    const host = await runOnHost(t.c, { header: HEADER, heapBase: emu.heapBase + 4096 });
    assert.ok(host.ok);
    const c = compareRuns(emu.run, host.run);
    assert.ok(c.calls.differ > 0, 'the shifted heap is reported');
    const first = c.rows.find((r) => !r.agree)!;
    assert.equal(first.line, 16);
    assert.deepEqual(first.diffs.map((d) => d.field).sort(), ['size', 'usable']);
    const size = first.diffs.find((d) => d.field === 'size')!;
    assert.equal(Number(size.emulator) - Number(size.host), 4096);
  });

  it('reports a changed chunk size, a missing call and a different ending as differences', async () => {
    const text = readFileSync('examples/tcache-and-fastbins.heap', 'utf8');
    const t = scenarioToC(text, 'tcache-and-fastbins.heap');
    assert.ok(t.ok);
    const [emu, host] = await Promise.all([emulate(text, 'tcache-and-fastbins.heap'), runOnHost(t.c, { header: HEADER })]);
    assert.ok(emu.ok && host.ok);
    assert.equal(compareRuns(emu.run, host.run).calls.differ, 0);
    const k = emu.run.records.findIndex((r) => r.fn === 'malloc');
    const mutated = { ...emu.run, records: emu.run.records.map((r, i) => (i === k ? { ...r, size: Number(r.size) + 16 } : r)).slice(0, -1), status: 134 };
    const c = compareRuns(mutated, host.run);
    assert.equal(c.calls.differ, 2);
    const row = c.rows.find((r) => !r.agree)!;
    assert.deepEqual(row.diffs.map((d) => d.field), ['size']);
    assert.equal(Number(row.diffs[0].emulator) - Number(row.diffs[0].host), 16);
    assert.ok(c.rows.some((r) => !r.agree && r.emulator === 'not made'));
    assert.equal(c.end.agree, false);
    const md = reportMarkdown({ kind: 'compared', file: 'x.heap', comparison: c, hostGlibc: '2.36', c: '', hostStdout: '', hostStderr: '' });
    assert.match(md, new RegExp(`\\*\\*${c.calls.agree} calls agree, 2 differ`));
    assert.equal(md.split('\n').filter((l) => l.startsWith('| ✗')).length, c.rows.filter((r) => !r.agree).length);
    assert.equal(md.split('\n').filter((l) => l.startsWith('| ✓')).length, c.rows.filter((r) => r.agree).length);
    assert.match(md, /## Not compared/);
  });

  it('reports an assert that fails only on the host, and stops there as the emulator would', async () => {
    // an assert on the heap's address modulo 64 KiB holds on the emulator; the host's heap is
    // placed one page off, so there it fails
    const scenario = (low: number) => `char *p = malloc(24);\nassert(((unsigned long)p & 0xffff) == 0x${low.toString(16)});\nfree(p);\n`;
    const probe = await emulate(scenario(0), 'assert.heap');
    assert.ok(probe.ok);
    const text = scenario((probe.heapBase + 0x2a0) & 0xffff);
    const emu = await emulate(text, 'assert.heap');
    assert.ok(emu.ok && emu.heapBase === probe.heapBase);
    assert.equal(emu.run.assertFailed, undefined, 'the assert holds on the emulator');
    const t = scenarioToC(text, 'assert.heap');
    assert.ok(t.ok);
    const host = await runOnHost(t.c, { header: HEADER, heapBase: emu.heapBase + 4096 });
    assert.ok(host.ok);
    assert.equal(host.run.status, 1);
    const c = compareRuns(emu.run, host.run);
    assert.deepEqual(c.rows.filter((r) => !r.agree).map((r) => `${r.line} ${r.what}`), ['2 assert', '3 free', '3 end']);
    assert.equal(c.asserts.differ, 1);
    assert.equal(c.calls.agree, 1);
    const end = c.rows.find((r) => r.what === 'end')!;
    assert.deepEqual(end.diffs.map((d) => [d.field, d.emulator, d.host]), [['status', 0, 1]]);
  });

  it("translates the language's forms faithfully: every call and assert agrees, and the exit status", async () => {
    const o = await compareScenario(FEATURES, 'features.heap', { header: HEADER });
    assert.equal(o.kind, 'compared', outcomeSummary(o));
    if (o.kind !== 'compared') return;
    assert.deepEqual(o.comparison.rows.filter((r) => !r.agree).map((r) => `line ${r.line} ${r.what}: emulator ${r.emulator} | host ${r.host}`), []);
    assert.equal(o.comparison.asserts.host, 24);
    const kinds = new Set(o.comparison.rows.map((r) => r.what));
    for (const fn of ['malloc', 'calloc', 'realloc', 'free', 'posix_memalign', 'aligned_alloc', 'memalign', 'valloc', 'pvalloc', 'mallopt', 'malloc_trim', 'mmap', 'mprotect', 'madvise', 'mremap', 'munmap']) assert.ok(kinds.has(fn), fn);
    assert.match(o.comparison.rows.find((r) => r.what === 'end')!.host, /^exit status 3/);
  });

  it('builds the self-contained program (prelude inlined) to the same records', async () => {
    const text = readFileSync('examples/fragmentation-10k-20k-30k.heap', 'utf8');
    const a = scenarioToC(text, 'f.heap'), b = scenarioToC(text, 'f.heap', { inlinePrelude: true });
    assert.ok(a.ok && b.ok);
    const [ra, rb] = await Promise.all([runOnHost(a.c, { header: HEADER }), runOnHost(b.c, { header: '/dev/null' })]);
    assert.ok(ra.ok && rb.ok, JSON.stringify([ra, rb]).slice(0, 500));
    assert.ok(ra.run.records.length > 5);
    assert.deepEqual(rb.run.records, ra.run.records);
  });

  it('runs the host binary as ./scenario, as the emulator starts the program', async () => {
    const text = 'int main(int argc, char **argv) {\n    assert(argc == 1);\n    assert(strcmp(argv[0], "./scenario") == 0);\n    free(malloc(8));\n    return 0;\n}\n';
    const o = await compareScenario(text, 'argv.heap', { header: HEADER });
    assert.equal(o.kind, 'compared');
    if (o.kind !== 'compared') return;
    assert.equal(o.comparison.asserts.host, 2);
    assert.equal(o.comparison.asserts.differ, 0);
    assert.equal(o.comparison.calls.agree, 2);
  });
});

// The command itself, with a stand-in for the vscode API: what it refuses, what it shows.
describe('compare with your machine: the VS Code command', function () {
  this.timeout(120_000);
  const d = { dispose() {} };
  const handlers = new Map<string, (arg?: unknown) => Promise<unknown>>();
  const messages: [string, string][] = [];
  const diagnostics = new Map<string, { range: { line: number }; message: string; severity: number }[]>();
  const providers = new Map<string, { provideTextDocumentContent(uri: unknown): string }>();
  const executed: unknown[][] = [];
  let trusted = false;
  let text = '';
  class Uri {
    constructor(readonly scheme: string, readonly path: string, readonly query = '') {}
    toString(): string { return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`; }
    get fsPath(): string { return this.path; }
    static from(o: { scheme: string; path: string; query?: string }): Uri { return new Uri(o.scheme, o.path, o.query); }
    static joinPath(u: Uri, ...p: string[]): Uri { return new Uri(u.scheme, [u.path, ...p].join('/')); }
    static file(p: string): Uri { return new Uri('file', p); }
  }
  const doc = {
    uri: Uri.file('/work/t.heap'), languageId: 'heapstep', fileName: '/work/t.heap', getText: () => text,
    get lineCount() { return text.split('\n').length; }, lineAt: (i: number) => ({ range: { line: i } }),
  };
  const vscode = {
    commands: { registerCommand: (id: string, fn: (arg?: unknown) => Promise<unknown>) => { handlers.set(id, fn); return d; }, executeCommand: async (...a: unknown[]) => { executed.push(a); } },
    window: {
      activeTextEditor: { document: doc },
      showWarningMessage: async (t: string) => { messages.push(['warning', t]); },
      showInformationMessage: async (t: string) => { messages.push(['info', t]); },
      showErrorMessage: async (t: string) => { messages.push(['error', t]); },
      withProgress: (_o: unknown, f: (p: unknown, t: unknown) => Promise<unknown>) => f({ report() {} }, { isCancellationRequested: false }),
      showTextDocument: async () => undefined,
    },
    workspace: {
      get isTrusted() { return trusted; },
      registerTextDocumentContentProvider: (s: string, p: { provideTextDocumentContent(uri: unknown): string }) => { providers.set(s, p); return d; },
      onDidChangeTextDocument: () => d, openTextDocument: async () => doc,
    },
    languages: { createDiagnosticCollection: () => ({ set: (u: unknown, l: never[]) => diagnostics.set(String(u), l), delete: (u: unknown) => diagnostics.delete(String(u)), dispose() {} }) },
    EventEmitter: class { event = () => d; fire() {} dispose() {} },
    Uri,
    Diagnostic: class { constructor(readonly range: unknown, readonly message: string, readonly severity: number) {} },
    DiagnosticSeverity: { Error: 0, Warning: 1 }, ProgressLocation: { Notification: 15 }, ViewColumn: { Beside: -2 },
  };
  let run: (arg?: unknown) => Promise<unknown>;

  before(() => {
    const Module = require('node:module') as { _load: (req: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    Module._load = function (req: string, ...rest: unknown[]) { return req === 'vscode' ? vscode : load.call(this, req, ...rest); };
    try {
      const { registerCompareWithHost } = require('../../src/extension/compare-with-host') as typeof import('../../src/extension/compare-with-host');
      registerCompareWithHost({ subscriptions: [], extensionUri: Uri.file(process.cwd()) } as never);
    } finally { Module._load = load; }
    run = handlers.get('heapstep.compareWithHost')!;
    assert.ok(run, 'the command is registered');
  });
  beforeEach(() => { messages.length = 0; executed.length = 0; diagnostics.clear(); });

  it('refuses in an untrusted workspace, saying why', async () => {
    trusted = false;
    text = 'char *p = malloc(1);\n';
    assert.equal(await run(), undefined);
    assert.equal(messages.length, 1);
    assert.equal(messages[0][0], 'warning');
    assert.match(messages[0][1], /trusted workspace/);
    assert.equal(diagnostics.size, 0);
  });

  it('shows the report, a warning on each differing line and the summary', async () => {
    trusted = true;
    // the heap's absolute address is the emulator's own (the host's heap shares only its low 26 bits)
    const probe = (base: number) => `char *p = malloc(24);\nassert((unsigned long)p == 0x${(base + 0x2a0).toString(16)}UL);\nfree(p);\n`;
    const emu = await emulate(probe(0), 't.heap');
    assert.ok(emu.ok);
    text = probe(emu.heapBase);
    const o = await run() as CompareOutcome;
    assert.equal(o.kind, 'compared');
    if (o.kind !== 'compared') return;
    assert.equal(o.comparison.asserts.differ, 1);
    const list = diagnostics.get(doc.uri.toString())!;
    assert.ok(list.some((x) => x.range.line === 1 && x.severity === 1), 'a warning on line 2');
    const shown = executed.find((a) => a[0] === 'markdown.showPreviewToSide');
    assert.ok(shown, 'the report is previewed');
    const report = providers.get('heapstep-compare')!.provideTextDocumentContent(shown[1]);
    assert.match(report, /^# t\.heap: the emulator and this machine/);
    assert.match(report, /\*\*1 calls agree, 1 differ; 1 assert\(s\) evaluated on the host, 1 with a different outcome; the runs end differently/);
    assert.match(report, /^\| ✗ \| 2 \| assert/m);
    assert.deepEqual(messages.map((m) => m[0]), ['warning']);
    assert.match(messages[0][1], /t\.heap: 1 calls agree, 1 differ/);
  });

  it('says so when gcc is missing', async () => {
    trusted = true;
    text = 'char *p = malloc(1);\n';
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let o: CompareOutcome;
    try { o = await run() as CompareOutcome; } finally { process.env.PATH = path; }
    assert.equal(o.kind, 'failed');
    assert.deepEqual(messages.map((m) => m[0]), ['error']);
    assert.match(messages[0][1], /'gcc' was not found/);
  });
});
