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
} as const;
export type CommandId = typeof Commands[keyof typeof Commands];
