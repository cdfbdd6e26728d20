// Memory pressure in the Variables view, against the scenario's own words: the pressure
// examples are run by the CLI (a separate process, the program's own printf, meminfo() and
// vmstat() output, the trace's reclaim lines), then debugged to the lines where they print, and
// the Process and Machine scopes must say the same numbers there.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { startClient } from './client';
import { launchTo, lineOf, topScopes } from './variable-tree';

const KSWAPD = resolve('examples/kswapd-vs-direct-reclaim.heap');
const CACHE = resolve('examples/page-cache-drop.heap');
const SWAP = resolve('examples/anon-swap-survives.heap');

const cli = (file: string, quiet = true): string =>
  execFileSync('node', [resolve('dist/cli.js'), 'run', ...(quiet ? ['--quiet'] : []), file], { encoding: 'utf8', maxBuffer: 64 << 20 });

// `Name: value kB` lines of a meminfo() print, `name value` lines of a vmstat() print
function procLines(text: string, re: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of text.split('\n')) { const m = re.exec(l); if (m) out.set(m[1], m[2]); }
  return out;
}
const MEMINFO_LINE = /^([A-Za-z_()]+):\s+(\d+) kB$/;
const VMSTAT_LINE = /^([a-z_]+) (\d+)$/;

async function vars(dc: DebugClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}
async function scope(dc: DebugClient, name: string): Promise<DebugProtocol.Variable[]> {
  const s = (await topScopes(dc)).find((x) => x.name === name);
  assert.ok(s, `no scope ${name}`);
  return vars(dc, s!.variablesReference);
}
function find(list: DebugProtocol.Variable[], name: string): DebugProtocol.Variable {
  const v = list.find((x) => x.name === name);
  assert.ok(v, `no ${name} in ${list.map((x) => x.name).join(', ')}`);
  return v!;
}
async function node(dc: DebugClient, name: string): Promise<Record<string, string>> {
  const n = find(await scope(dc, 'Machine'), name);
  return Object.fromEntries((await vars(dc, n.variablesReference)).map((v) => [v.name, v.value]));
}
const num = (s: string): number => Number(/^-?\d+/.exec(s)?.[0] ?? NaN);

async function events(dc: DebugClient): Promise<string[]> {
  const ev = find(await scope(dc, 'Machine'), 'reclaim events');
  if (!ev.variablesReference) return [];
  return (await dc.variablesRequest({ variablesReference: ev.variablesReference, filter: 'indexed', start: 0, count: ev.indexedVariables })).body.variables.map((v) => v.value);
}

async function continueTo(dc: DebugClient, line: number): Promise<void> {
  await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { line })]);
}

describe('memory pressure in the Process and Machine scopes', function () {
  this.timeout(120000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(); });
  afterEach(() => dc.stop());

  it('kswapd vs direct reclaim: vmstat, allocstall and the reclaim events agree with what the scenario prints', async () => {
    const out = cli(KSWAPD);
    const first = /page by page: kswapd reclaimed (\d+) pages, direct reclaim (\d+), stalls (\d+)/.exec(out);
    const second = /one memset: direct reclaim (\d+) pages in (\d+) stalls, kswapd (\d+) more/.exec(out);
    assert.ok(first && second, out);
    const [kswapd1, direct1, stalls1] = first.slice(1).map(Number);
    const [direct2, stalls2, more] = second.slice(1).map(Number);
    assert.ok(kswapd1 > 0 && stalls2 > 0, 'the example reclaims both ways');

    // just after each printf: nothing has run between the print and the stop
    const at1 = lineOf(KSWAPD, 'assert(kswapd1 > 0)'), at2 = lineOf(KSWAPD, 'assert(direct2 > 0)');
    await launchTo(dc, KSWAPD, [at1, at2]);
    let vm = await node(dc, 'vmstat');
    assert.deepEqual([num(vm.pgsteal_kswapd), num(vm.pgsteal_direct), num(vm.allocstall)], [kswapd1, direct1, stalls1]);
    assert.equal(num(find(await scope(dc, 'Process'), 'allocstall').value), stalls1);
    const eventsAt1 = await events(dc);
    assert.ok(eventsAt1.some((t) => t.includes('kswapd wake')), eventsAt1.join('\n'));

    await continueTo(dc, at2);
    vm = await node(dc, 'vmstat');
    assert.deepEqual([num(vm.pgsteal_direct), num(vm.allocstall), num(vm.pgsteal_kswapd) - kswapd1], [direct2, stalls2, more]);
    assert.equal(num(vm.oom_kill), 0);
    assert.equal(num(find(await scope(dc, 'Process'), 'allocstall').value), stalls2);
    const machine = await scope(dc, 'Machine');
    assert.match(find(machine, 'vmstat').value, new RegExp(`allocstall ${stalls2}\\b`));

    // the example's comment: on 16 MiB, min 128 pages, low 160, high 192
    const w = await node(dc, 'watermarks');
    assert.deepEqual([num(w.min), num(w.low), num(w.high)], [128, 160, 192]);
    assert.equal(num(w.nr_free_pages), num(vm.nr_free_pages));

    // the newest reclaim events read as the trace's last reclaim lines (kswapd's run after the memset)
    const trace = cli(KSWAPD, false).split('\n');
    const upTo = trace.findIndex((l) => l.startsWith('one memset:'));
    const traced = trace.slice(0, upTo).map((l) => /^\s*\d+ \|\s+(.*)$/.exec(l)?.[1] ?? '')
      .filter((t) => /^(kswapd|direct)( wake| sleep| reclaim)?:|^OOM killer:/.test(t));
    const shown = (await events(dc)).map((v) => v.replace(/^step \d+: /, ''));
    assert.ok(shown.length > 6, shown.join('\n'));
    assert.deepEqual(shown.slice(-6), traced.slice(-6));
    assert.ok(shown.some((t) => t.startsWith('direct reclaim: allocation stall')), 'a stall is in the list');

    // back to the first stop: the events are those of that moment again, none from the future
    await Promise.all([dc.customRequest('reverseContinue', { threadId: 1 }), dc.assertStoppedLocation('breakpoint', { line: at1 })]);
    assert.deepEqual(await events(dc), eventsAt1);
    assert.equal(num((await node(dc, 'vmstat')).allocstall), stalls1);
  });

  it('page cache drop: every meminfo line at the last stop is what meminfo() prints there', async () => {
    const out = cli(CACHE);
    const read = /after reading: Cached (\d+) kB, MemFree (\d+) kB/.exec(out);
    assert.ok(read, out);
    const printed = procLines(out, MEMINFO_LINE);
    assert.ok(printed.size > 15, out);

    const at1 = lineOf(CACHE, 'assert(cached >= 10240)'), at2 = lineOf(CACHE, 'meminfo();');
    await launchTo(dc, CACHE, [at1, at2]);
    let mi = await node(dc, 'meminfo');
    assert.deepEqual([num(mi.Cached), num(mi.MemFree)], [Number(read[1]), Number(read[2])]);

    await continueTo(dc, at2);
    mi = await node(dc, 'meminfo');
    assert.deepEqual(Object.keys(mi), [...printed.keys()]);
    for (const [k, v] of printed) assert.equal(mi[k], `${v} kB`, k);
    const top = Object.fromEntries((await scope(dc, 'Machine')).map((v) => [v.name, v.value]));
    assert.equal(num(top.MemFree), Number(printed.get('MemFree')) * 1024);
    assert.match(top.meminfo, new RegExp(`^MemFree ${printed.get('MemFree')} kB, Cached ${printed.get('Cached')} kB, Dirty ${printed.get('Dirty')} kB`));
    // a program reading a file maps none of it: all its resident memory is anonymous
    const proc = Object.fromEntries((await scope(dc, 'Process')).map((v) => [v.name, v.value]));
    assert.equal(num(proc.RssFile), 0);
    assert.equal(num(proc.RssAnon), num(proc.RSS));
  });

  it('swap: every vmstat line at the last stop is what vmstat() prints there, and VmSwap is swap in use', async () => {
    const out = cli(SWAP);
    const printed = procLines(out, VMSTAT_LINE);
    assert.ok(Number(printed.get('pswpout')) > 0, out);
    const at = lineOf(SWAP, 'vmstat();');
    await launchTo(dc, SWAP, [at]);
    const vm = await node(dc, 'vmstat');
    assert.deepEqual(Object.keys(vm), [...printed.keys()]);
    for (const [k, v] of printed) assert.equal(vm[k], v, k);
    const proc = Object.fromEntries((await scope(dc, 'Process')).map((v) => [v.name, v.value]));
    const mi = await node(dc, 'meminfo');
    assert.equal(num(proc.VmSwap), (num(mi.SwapTotal) - num(mi.SwapFree)) * 1024);
    assert.match(proc.VmSwap, new RegExp(`\\(${num(proc.VmSwap) / 4096} swap entries`));
    assert.equal(num(proc.majflt), Number(printed.get('pgmajfault')));
    const ev = find(await scope(dc, 'Machine'), 'reclaim events');
    const items = (await dc.variablesRequest({ variablesReference: ev.variablesReference, filter: 'indexed', start: 0, count: 100 })).body.variables;
    assert.ok(items.some((v) => /swapped out \(0x[0-9a-f]+ \.\. 0x[0-9a-f]+\)$/.test(v.value)), items.map((v) => v.value).join('\n'));
  });

  it('reading the pressure nodes twice changes nothing', async () => {
    await launchTo(dc, KSWAPD, [lineOf(KSWAPD, 'assert(direct2 > 0)')]);
    const read = async () => ({ vm: await node(dc, 'vmstat'), mi: await node(dc, 'meminfo'), w: await node(dc, 'watermarks'),
      p: Object.fromEntries((await scope(dc, 'Process')).map((v) => [v.name, v.value])) });
    const a = await read();
    const b = await read();
    assert.deepEqual(b, a);
  });
});
