// heapstep/travel: the timeline's jump to the machine as it was after N statements. It goes by
// deterministic replay from the nearest earlier snapshot, in either direction, and does not
// stop on the way: the points of the timeline are stops already seen, so what lies between
// them was already shown (its output is not printed again, as when stepping back).
import type { TravelRequestArgs } from '../protocol/state';

export function travelStep(args: unknown): number {
  const step = (args as Partial<TravelRequestArgs> | undefined)?.step;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    throw new Error('heapstep/travel: "step" must be a whole number of statements (0 or more)');
  }
  return step;
}
