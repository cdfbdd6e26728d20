// Sample states from the real emulator: a scenario run to a given step, then the same
// builder the debug adapter answers `heapstep/state` with.
import { readFileSync } from 'node:fs';
import { buildState } from '../../src/debug/state-request';
import { loadScenario, type Scenario } from '../../src/machine/scenario';
import type { HeapState } from '../../src/protocol/state';

export function scenario(text: string, name = 'sample.heap'): Scenario {
  const r = loadScenario(text, name);
  if (!r.ok) throw new Error(`${name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  r.scenario.interp.start();
  return r.scenario;
}

// the states at each of `stops` (step counts), in order, so the timeline has one point per stop
export function statesAt(text: string, stops: number[], address?: number): HeapState[] {
  const sc = scenario(text);
  return stops.map((s) => { sc.interp.run(Math.max(0, s - sc.interp.steps)); return buildState(sc, address); });
}

export function exampleState(file: string, steps = 1e9): HeapState {
  return statesAt(readFileSync(file, 'utf8'), [steps])[0];
}

// n chunks of mixed sizes, every third freed: tcache, fastbins and (after a consolidation)
// the unsorted and small bins all in use
export function manyChunks(n: number): string {
  return `char *keep[${n}];
for (int i = 0; i < ${n}; i++) keep[i] = malloc(16 + (i % 5) * 24);
for (int i = 0; i < ${n}; i += 3) free(keep[i]);
`;
}

// Memory pressure on a 16 MiB machine with swap: 24 MiB of anonymous memory touched (part of it
// swapped out), then a file mapped shared, 16 of its pages written (dirty) and 24 read (clean).
// Every page class of the address space view occurs; step counts to stop at are the caller's.
export const PRESSURE_HEAP = `#pragma ram 16MiB
#pragma swap 64MiB
#pragma overcommit 1
#pragma file data.bin 256KiB
unsigned long size = 24UL << 20;
char *p = malloc(size);
for (unsigned long off = 0; off < size; off += 4096) p[off] = 1;
int fd = open("data.bin", O_RDWR);
char *s = mmap(NULL, 262144, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
for (int i = 0; i < 16; i++) s[i * 4096] = 'x';
long sum = 0;
for (int i = 16; i < 40; i++) sum += s[i * 4096];
`;
