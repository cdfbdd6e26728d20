// Allocator traces: one operation per line on slots p[0..N). The same text drives the C
// harness on the real glibc and, turned into a .heap scenario, the emulator.
//   malloc I N | calloc I N S | realloc I J N | reallocarray I J N S | free I
//   memalign I A N | aligned_alloc I A N | valloc I N | pvalloc I N | posix_memalign I A N
//   usable I | mallopt PARAM VALUE | trim PAD | write I OFF VALUE (8-byte store, no event)
export type Op =
  | { op: 'malloc' | 'valloc' | 'pvalloc'; i: number; n: bigint }
  | { op: 'calloc'; i: number; n: bigint; s: bigint }
  | { op: 'realloc'; i: number; j: number; n: bigint }
  | { op: 'reallocarray'; i: number; j: number; n: bigint; s: bigint }
  | { op: 'free' | 'usable'; i: number }
  | { op: 'memalign' | 'aligned_alloc' | 'posix_memalign'; i: number; a: bigint; n: bigint }
  | { op: 'mallopt'; param: number; value: number }
  | { op: 'trim'; pad: bigint }
  | { op: 'write'; i: number; off: number; value: bigint };

export const SLOTS = 4096;

export function serialise(ops: Op[]): string {
  return ops.map((o) => {
    switch (o.op) {
      case 'malloc': case 'valloc': case 'pvalloc': return `${o.op} ${o.i} ${o.n}`;
      case 'calloc': return `calloc ${o.i} ${o.n} ${o.s}`;
      case 'realloc': return `realloc ${o.i} ${o.j} ${o.n}`;
      case 'reallocarray': return `reallocarray ${o.i} ${o.j} ${o.n} ${o.s}`;
      case 'free': case 'usable': return `${o.op} ${o.i}`;
      case 'memalign': case 'aligned_alloc': case 'posix_memalign': return `${o.op} ${o.i} ${o.a} ${o.n}`;
      case 'mallopt': return `mallopt ${o.param} ${o.value}`;
      case 'trim': return `trim ${o.pad}`;
      case 'write': return `write ${o.i} ${o.off} ${o.value}`;
    }
  }).join('\n') + '\n';
}

export function parse(text: string): Op[] {
  const ops: Op[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [op, ...a] = line.split(/\s+/);
    const b = a.map((x) => BigInt(x));
    const n = (k: number) => Number(b[k]);
    switch (op) {
      case 'malloc': case 'valloc': case 'pvalloc': ops.push({ op, i: n(0), n: b[1] }); break;
      case 'calloc': ops.push({ op, i: n(0), n: b[1], s: b[2] }); break;
      case 'realloc': ops.push({ op, i: n(0), j: n(1), n: b[2] }); break;
      case 'reallocarray': ops.push({ op, i: n(0), j: n(1), n: b[2], s: b[3] }); break;
      case 'free': case 'usable': ops.push({ op, i: n(0) }); break;
      case 'memalign': case 'aligned_alloc': case 'posix_memalign': ops.push({ op, i: n(0), a: b[1], n: b[2] }); break;
      case 'mallopt': ops.push({ op, param: n(0), value: n(1) }); break;
      case 'trim': ops.push({ op, pad: b[0] }); break;
      case 'write': ops.push({ op, i: n(0), off: n(1), value: b[2] }); break;
      default: throw new Error(`bad trace line: ${raw}`);
    }
  }
  return ops;
}

// The same trace as a scenario (script style). Every size is written as an unsigned long
// literal so values up to 2^64-1 mean what they mean in C.
export function toHeap(ops: Op[], name = 'trace'): string {
  const u = (v: bigint) => `${BigInt.asUintN(64, v)}UL`;
  // The slot array is as small as the trace allows: it lives in .bss, and a small .bss keeps
  // the heap base at gdb's 0x555555559000, which the harness reproduces modulo 16 MiB.
  const used = ops.reduce((m, o) => Math.max(m, 'i' in o ? o.i : 0, 'j' in o ? o.j : 0), 0) + 1;
  const lines = [`// ${name}: generated from an allocator trace`, `void *p[${used}];`];
  for (const o of ops) {
    switch (o.op) {
      case 'malloc': case 'valloc': case 'pvalloc': lines.push(`p[${o.i}] = ${o.op}(${u(o.n)});`); break;
      case 'calloc': lines.push(`p[${o.i}] = calloc(${u(o.n)}, ${u(o.s)});`); break;
      case 'realloc': lines.push(`p[${o.i}] = realloc(p[${o.j}], ${u(o.n)});`); break;
      case 'reallocarray': lines.push(`p[${o.i}] = reallocarray(p[${o.j}], ${u(o.n)}, ${u(o.s)});`); break;
      case 'free': lines.push(`free(p[${o.i}]);`); break;
      case 'usable': lines.push(`malloc_usable_size(p[${o.i}]);`); break;
      case 'memalign': case 'aligned_alloc': lines.push(`p[${o.i}] = ${o.op}(${u(o.a)}, ${u(o.n)});`); break;
      case 'posix_memalign': lines.push(`posix_memalign(&p[${o.i}], ${u(o.a)}, ${u(o.n)});`); break;
      case 'mallopt': lines.push(`mallopt(${o.param}, ${o.value});`); break;
      case 'trim': lines.push(`malloc_trim(${u(o.pad)});`); break;
      case 'write': lines.push(`*(unsigned long *)((char *)p[${o.i}] + ${o.off}) = ${u(o.value)};`); break;
    }
  }
  return lines.join('\n') + '\n';
}
