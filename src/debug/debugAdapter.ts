// dist/debugAdapter.js: the session as a stdio program, for tests and for editors other than VS Code.
import { readFile } from 'node:fs/promises';
import { HeapStepSession } from './session';

const session = new HeapStepSession({ readFile: (p) => readFile(p, 'utf8') });
process.on('SIGTERM', () => process.exit(0));
session.start(process.stdin, process.stdout);
