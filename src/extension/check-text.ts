// The front end's verdict on a scenario as typed: pragmas decide the architecture (type sizes),
// then the whole program is checked. Addresses do not matter for diagnostics, so the data
// sections are placed at 0. No vscode import: the manifest test checks snippets with it.
import type { Diagnostic } from '../lang/ast';
import { compile, scanPragmas } from '../lang/index';
import { configFromPragmas } from '../machine/scenario';

export function checkText(text: string, file: string): Diagnostic[] {
  const { arch } = configFromPragmas(scanPragmas(text, file).pragmas);
  return compile(text, file, { arch, rodataBase: 0, dataBase: 0 }).diagnostics;
}
