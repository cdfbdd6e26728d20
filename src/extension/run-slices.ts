// A scenario run in slices of steps with a turn of the event loop between them, so the
// extension host stays responsive and the run can be cancelled. No vscode import.
import type { Scenario } from '../machine/scenario';

export interface SliceOptions {
  maxSteps?: number;                 // the CLI's default: 50,000,000
  slice?: number;                    // steps between yields to the event loop
  cancelled?: () => boolean;
}

// 'done': the program ended; 'limit': maxSteps ran out (a runaway loop?); 'cancelled'.
export type SliceEnd = 'done' | 'limit' | 'cancelled';

export const DEFAULT_MAX_STEPS = 50_000_000;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export async function runInSlices(sc: Scenario, opts: SliceOptions = {}): Promise<SliceEnd> {
  const slice = opts.slice ?? 200_000;
  let left = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  for (;;) {
    const n = Math.min(slice, left);
    if (sc.interp.run(n) !== 'limit') return 'done';
    left -= n;
    if (left <= 0) return 'limit';
    await tick();
    if (opts.cancelled?.()) return 'cancelled';
  }
}
