// Writes src/lang/to-c-prelude.ts: heapstep-host.h as a string, so that the translator (which
// imports nothing outside src/lang) can emit a self-contained C program. test/unit/to-c.test.ts
// fails when the two differ. Run: node resources/compare/gen-prelude.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const h = readFileSync(new URL('./heapstep-host.h', import.meta.url), 'utf8');
writeFileSync(new URL('../../src/lang/to-c-prelude.ts', import.meta.url),
  '// Generated from resources/compare/heapstep-host.h by resources/compare/gen-prelude.mjs: do not edit.\n' +
  `export const HOST_PRELUDE = ${JSON.stringify(h)};\n`);
