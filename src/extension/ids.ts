// Every identifier package.json and the code must agree on; test/unit/extension-manifest.test.ts
// checks package.json against this file.
export const LANGUAGE_ID = 'heapstep';
export const DEBUG_TYPE = 'heapstep';
export const EXAMPLE_SCHEME = 'heapstep-example';

export const Commands = {
  runScenario: 'heapstep.runScenario',
  debugScenario: 'heapstep.debugScenario',
  exportState: 'heapstep.exportState',
  openExample: 'heapstep.openExample',
  compareWithHost: 'heapstep.compareWithHost',
  explain: 'heapstep.explain',
  walkthroughOpen: 'heapstep.walkthrough.open',
} as const;
export type CommandId = typeof Commands[keyof typeof Commands];

// Commands the extension calls itself, never shown to a user (so not in package.json).
export const InternalCommands = {
  selectChunk: 'heapstep.heapMap.selectChunk',   // (addr: number): select a chunk in the heap map
} as const;

// `contributes.walkthroughs`; VS Code's full id is `heapstep.heapstep#<id>`.
export const Walkthroughs = {
  howMallocGetsMemory: 'heapstep.howMallocGetsMemory',
  how2heap: 'heapstep.how2heap',
} as const;
// A step is done once its button has shown the answer: `onContext:<prefix><step id>`.
export const WALKTHROUGH_DONE_PREFIX = 'heapstep.walkthrough.';
