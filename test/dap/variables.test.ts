// Scopes and variables through the shipped adapter: the scope list, pointers with their chunk
// and page walk, the allocator's state decoded, paging of long lists, memory references, and
// that looking at everything changes nothing in the machine.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { childrenOf, launchTo, lineOf, newClient, topScopes, walkScopes } from './variable-tree';

const DEFAULT = resolve('examples/default.heap');
const TCACHE = resolve('examples/tcache-and-fastbins.heap');
const MANY = resolve('test/fixtures/dap/many-chunks.heap');

async function scope(dc: DebugClient, name: string): Promise<DebugProtocol.Scope> {
  const s = (await topScopes(dc)).find((x) => x.name === name);
  assert.ok(s, `no scope ${name}`);
  return s!;
}
async function vars(dc: DebugClient, ref: number, more: Partial<DebugProtocol.VariablesArguments> = {}): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref, ...more })).body.variables;
}
function find(list: DebugProtocol.Variable[], name: string | RegExp): DebugProtocol.Variable {
  const v = list.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  assert.ok(v, `no variable ${name} in ${list.map((x) => x.name).join(', ')}`);
  return v!;
}
const valuesOf = async (dc: DebugClient, name: string): Promise<Record<string, string>> =>
  Object.fromEntries((await vars(dc, (await scope(dc, name)).variablesReference)).map((v) => [v.name, v.value]));

describe('scopes and variables', function () {
  this.timeout(60000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await newClient(); });
  afterEach(() => dc.stop());

  it('lists Locals, Globals, Heap, Chunks, Bins, Mappings, Process, Machine; the walks are expensive', async () => {
    await launchTo(dc, DEFAULT, [lineOf(DEFAULT, 'char *q = malloc(1);')]);
    const s = await topScopes(dc);
    assert.deepEqual(s.map((x) => x.name), ['Locals', 'Globals', 'Heap', 'Chunks', 'Bins', 'Mappings', 'Process', 'Machine']);
    assert.deepEqual(s.filter((x) => x.expensive).map((x) => x.name), ['Chunks', 'Bins', 'Mappings']);
  });

  it('shows a freed pointer with its chunk in the tcache, and the page walk of its address', async () => {
    await launchTo(dc, DEFAULT, [lineOf(DEFAULT, 'char *q = malloc(1);')]);
    const locals = await vars(dc, (await scope(dc, 'Locals')).variablesReference);
    const p = find(locals, 'p');
    assert.equal(p.value, '0x5555555592a0 → chunk 0x20 [P] in [heap], tcache[0x20]');
    assert.equal(p.memoryReference, '0x5555555592a0');
    const kids = await vars(dc, p.variablesReference);
    const chunk = find(kids, 'chunk 0x555555559290');
    assert.equal(chunk.memoryReference, '0x555555559290');
    const fields = Object.fromEntries((await vars(dc, chunk.variablesReference)).map((v) => [v.name, v.value]));
    assert.equal(fields.size, '0x21');
    assert.equal(fields['P (PREV_INUSE)'], '1');
    assert.equal(fields.bin, 'tcache[0x20], position 1 of 1');
    // the only entry: PROTECT_PTR(&e->next, NULL) is the page number of the link's address
    assert.equal(fields['next (tcache_entry)'], '0x0 (end of the list) (stored 0x555555559, REVEAL_PTR)');
    const walk = find(kids, 'page walk');
    assert.match(walk.value, /^0x5555555592a0 → physical 0x[0-9a-f]+2a0 \(frame 0x[0-9a-f]+\), TLB (hit|miss)$/);
    const levels = await vars(dc, walk.variablesReference);
    assert.deepEqual(levels.filter((l) => /^P(ML4|DPT|D|T)$/.test(l.name)).map((l) => l.name), ['PML4', 'PDPT', 'PD', 'PT']);
    // 0x5555555592a0: PML4 index 170, PDPT 341, PD 170, PT 345 (9 bits each above the 12-bit offset)
    assert.deepEqual(levels.filter((l) => /^P(ML4|DPT|D|T)$/.test(l.name)).map((l) => /^\[(\d+)\]/.exec(l.value)?.[1]), ['170', '341', '170', '345']);
    const pt = Object.fromEntries((await vars(dc, find(levels, 'PT').variablesReference)).map((v) => [v.name, v.value.split(' ')[0]]));
    assert.deepEqual([pt.P, pt.RW, pt.US, pt.A, pt.D, pt.NX], ['1', '1', '1', '1', '1', '1']);
  });

  it('decodes main_arena and mp_ after the first malloc', async () => {
    await launchTo(dc, DEFAULT, [lineOf(DEFAULT, 'assert(brk_now() - heap_start == 0x21000)')]);
    const heap = await valuesOf(dc, 'Heap');
    assert.equal(heap['av->top'], 'size 0x20d50 [P] top');
    assert.equal(heap['av->system_mem'], '0x21000 (132 KiB)');
    assert.equal(heap['mp_.mmap_threshold'], '0x20000 (128 KiB)');
    assert.equal(heap['mp_.sbrk_base'], '0x555555559000');
    assert.equal(heap['mp_.tcache_count'], '0x7');
    assert.equal(heap['av->flags'], '0x0 (contiguous)');
    const chunks = await vars(dc, (await scope(dc, 'Chunks')).variablesReference);
    assert.deepEqual(chunks.filter((c) => c.name.startsWith('chunk ')).map((c) => `${c.name}: ${c.value}`), [
      'chunk 0x555555559000: size 0x290 [P] in use: tcache_perthread_struct',
      'chunk 0x555555559290: size 0x20 [P] in use',
      'chunk 0x5555555592b0: size 0x20d50 [P] top',
    ]);
  });

  it('follows the tcache list through its safe-linked next pointers, LIFO, and the fastbin beyond it', async () => {
    await launchTo(dc, TCACHE, [lineOf(TCACHE, 'bins();')]);
    const bins = await vars(dc, (await scope(dc, 'Bins')).variablesReference);
    const tcache = await vars(dc, find(bins, 'tcache').variablesReference);
    assert.equal(tcache.length, 64);
    const bin = find(tcache, 'tcache[0x30]');
    assert.equal(bin.value, 'count 7');
    const chain = await childrenOf(dc, bin, 100);
    assert.equal(chain.length, 7);
    const addrs = chain.map((c) => Number(c.name.replace('chunk ', '')));
    // p[0..6] freed in order: the last freed (p[6]) comes out first
    assert.deepEqual(addrs, [6, 5, 4, 3, 2, 1, 0].map((i) => 0x555555559290 + i * 0x30));
    for (let k = 0; k < chain.length; k++) {
      const f = Object.fromEntries((await vars(dc, chain[k].variablesReference)).map((v) => [v.name, v.value]));
      const next = k + 1 < chain.length ? `0x${(addrs[k + 1] + 16).toString(16)}` : '0x0 (end of the list)';
      assert.ok(f['next (tcache_entry)'].startsWith(`${next} (stored `), `${chain[k].name}: ${f['next (tcache_entry)']}`);
    }
    const fast = await vars(dc, find(bins, 'fastbins').variablesReference);
    const f30 = find(fast, 'fastbin[0x30]');
    assert.equal(f30.value, '1 chunk');
    assert.deepEqual((await childrenOf(dc, f30, 10)).map((c) => c.name), ['chunk 0x5555555593e0']);
  });

  it('pages long lists: ten million asked, what exists answered, quickly', async () => {
    await launchTo(dc, MANY, [lineOf(MANY, '#V_END')]);
    // the heap starts above the program's 800 KB .bss
    const base = Number((await valuesOf(dc, 'Process')).start_brk);
    const chunksScope = await scope(dc, 'Chunks');
    let t = Date.now();
    const top = await vars(dc, chunksScope.variablesReference, { start: 0, count: 10_000_000 });
    assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
    // the tcache struct, 1500 nodes, the freed 0x20 chunk, top, then the mmapped chunk
    assert.equal(find(top, 'summary').value.replace(/\.\.0x[0-9a-f]+/, ''), `1503 in [heap] 0x${base.toString(16)}, 1 mmapped`);
    const ranges = top.filter((v) => /^\[\d+\.\.\d+\]$/.test(v.name));
    assert.deepEqual(ranges.map((r) => r.name).slice(0, 2), ['[0..99]', '[100..199]']);
    assert.equal(ranges[ranges.length - 1].name, '[1500..1503]');
    assert.equal(ranges[0].indexedVariables, 100);
    const slice = await vars(dc, ranges[1].variablesReference, { filter: 'indexed', start: 10, count: 3 });
    assert.deepEqual(slice.map((c) => c.name), [110, 111, 112].map((i) => `chunk 0x${(base + 0x290 + (i - 1) * 0x20).toString(16)}`));
    const last = await vars(dc, ranges[ranges.length - 1].variablesReference, { filter: 'indexed', start: 0, count: 10_000_000 });
    assert.deepEqual(last.map((c) => c.value.split(' ').slice(-1)[0]), ['use', 'tcache[0x20]', 'top', 'mmapped']);

    const globals = await vars(dc, (await scope(dc, 'Globals')).variablesReference);
    const arr = find(globals, 'big_array');
    assert.equal(arr.indexedVariables, 100000);
    t = Date.now();
    const many = await vars(dc, arr.variablesReference, { filter: 'indexed', start: 0, count: 10_000_000 });
    assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
    assert.ok(many.length > 0 && many.length <= 10_000, `${many.length} elements in one answer`);
    const tail = await vars(dc, arr.variablesReference, { filter: 'indexed', start: 99_990, count: 10_000_000 });
    assert.deepEqual(tail.map((v) => v.name), Array.from({ length: 10 }, (_, i) => `[${99_990 + i}]`));
    const named = await vars(dc, arr.variablesReference, { filter: 'named' });
    assert.deepEqual(named, []);
  });

  it('gives every pointer and every chunk a memory reference where it points or starts', async () => {
    await launchTo(dc, DEFAULT, [lineOf(DEFAULT, 'free(big);')]);
    const seen = { pointers: 0, chunks: 0 };
    await walkScopes(dc, { depth: 4, perLevel: 200 }, (v) => {
      const target = /^(0x[0-9a-f]+)/.exec(v.value)?.[1];
      if (v.type?.endsWith('*') && target && target !== '0x0') {
        seen.pointers++;
        assert.equal(v.memoryReference, target, `${v.name} = ${v.value}`);
      }
      if (v.type === 'struct malloc_chunk') {
        seen.chunks++;
        assert.ok(v.memoryReference && /^0x[0-9a-f]+$/.test(v.memoryReference), `${v.name} has no memoryReference`);
        if (v.name.startsWith('chunk ')) assert.equal(v.memoryReference, v.name.slice(6));
      }
    });
    assert.ok(seen.pointers > 10 && seen.chunks > 5, JSON.stringify(seen));
  });

  it('reads every scope to the bottom without moving RSS, faults, syscalls or the TLB counters', async () => {
    await launchTo(dc, MANY, [lineOf(MANY, '#V_END')]);
    const before = { ...(await valuesOf(dc, 'Process')), ...(await valuesOf(dc, 'Machine')) };
    const first = await walkScopes(dc, { depth: 8, perLevel: 2000 });
    const after = { ...(await valuesOf(dc, 'Process')), ...(await valuesOf(dc, 'Machine')) };
    assert.ok(first.length > 5000, `${first.length} variables walked`);
    for (const k of ['RSS', 'VSZ', 'minflt', 'majflt', 'syscalls', 'MemFree', 'Committed_AS', 'TLB hits', 'TLB misses']) assert.ok(k in before, k);
    assert.deepEqual(after, before);
    // and a second full walk reads exactly what the first did (the page walks' TLB column included)
    const second = await walkScopes(dc, { depth: 8, perLevel: 2000 });
    assert.deepEqual(second, first);
  });

  it('lets a data breakpoint watch what the Variables view shows: a field behind a pointer, a chunk header', async () => {
    await launchTo(dc, MANY, [lineOf(MANY, '#V_END')]);
    const head = find(await vars(dc, (await scope(dc, 'Locals')).variablesReference), 'head');
    const kids = await vars(dc, head.variablesReference);
    const node = find(kids, '*head');
    const next = find(await vars(dc, node.variablesReference), 'next');
    const info = await dc.customRequest('dataBreakpointInfo', { variablesReference: node.variablesReference, name: 'next' });
    // struct node { long value; struct node *next; }: next is the 8 bytes at head + 8
    assert.equal(info.body.dataId, `mem:0x${(Number(head.memoryReference) + 8).toString(16)}:8`);
    assert.ok(next.value.startsWith('0x'));
    const chunk = kids.find((k) => k.name.startsWith('chunk '))!;
    const header = await dc.customRequest('dataBreakpointInfo', { variablesReference: head.variablesReference, name: chunk.name });
    assert.equal(header.body.dataId, `mem:${chunk.memoryReference}:16:header`);
  });

  it('shows a chunk freed twice as a list that loops, and stops a heap walk at a corrupted size', async () => {
    const dup = resolve('examples/how2heap/fastbin_dup.heap');
    await launchTo(dc, dup, [lineOf(dup, '// drain tcache')]);
    const bins = await vars(dc, (await scope(dc, 'Bins')).variablesReference);
    const f20 = find(await vars(dc, find(bins, 'fastbins').variablesReference), 'fastbin[0x20]');
    assert.equal(f20.value, '2 chunks, then back to chunk 0x555555559370 (a chunk freed twice, or a corrupted link)');
    assert.deepEqual((await childrenOf(dc, f20, 10)).map((c) => c.name), ['chunk 0x555555559370', 'chunk 0x555555559390']);
    await dc.stop();

    const corrupt = resolve('test/fixtures/dap/corrupt-size.heap');
    dc = await newClient();
    await launchTo(dc, corrupt, [lineOf(corrupt, '#V_CORRUPT')]);
    const chunks = await vars(dc, (await scope(dc, 'Chunks')).variablesReference);
    assert.equal(find(chunks, 'walk stopped').value, 'chunk 0x5555555592b0 has size 0x0: the walk cannot go on');
    assert.equal(find(chunks, 'chunk 0x5555555592b0').value, 'size 0x0 [-] in use');
  });

  it('lists /proc/self/maps lines and the machine the pragmas asked for', async () => {
    await launchTo(dc, MANY, [lineOf(MANY, '#V_END')]);
    const maps = await vars(dc, (await scope(dc, 'Mappings')).variablesReference);
    const heap = find(maps, /\[heap\]$/);
    const { brk, start_brk: base } = await valuesOf(dc, 'Process');
    assert.equal(heap.name, `${base.slice(2)}-${brk.slice(2)} rw-p [heap]`);
    const f = Object.fromEntries((await vars(dc, heap.variablesReference)).map((v) => [v.name, v.value]));
    assert.equal(f.start, base);
    assert.equal(f.end, brk);
    assert.equal(f.perms, 'rw-p');
    assert.match(f.RSS, /^\d+ bytes \(\d+ of \d+ pages resident\)$/);
    find(maps, /\[stack\]$/);
    const m = await valuesOf(dc, 'Machine');
    assert.match(m['vm.overcommit_memory'], /^2 /);
    assert.equal(m.SwapTotal, `${64 << 20} bytes (64 MiB)`);
    assert.equal(m.CommitLimit, `${(64 << 20) + 2 ** 31} bytes (2112 MiB)`);
  });
});
