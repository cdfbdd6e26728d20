// What the extension needs only once a scenario is debugged, run or checked: the debug session
// with the whole machine, the run core, the front end. The desktop build puts this in its own
// file (dist/core.js) so activation does not load it; the web build keeps one file.
export { HeapStepSession } from '../debug/session';
export { runScenarioText } from './run-core';
export { checkText } from './check-text';
export { hostCompare } from './compare/lazy';
