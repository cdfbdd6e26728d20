// Everything "Compare with Your Machine" needs at run time, for the desktop extension's core
// bundle (dist/core.js). It runs gcc, so only lazy.ts loads it, and never in the web build.
export { compareScenario, type CompareOutcome } from './index';
export { outcomeSummary, reportMarkdown } from './report';
