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
