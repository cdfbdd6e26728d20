// The front end's verdict on a scenario as typed: `#pragma arch` decides the type sizes (the
// last valid one wins, as in the machine's configuration), then the whole program is checked.
// Addresses do not matter for diagnostics, so the data sections are placed at 0. No vscode
// import: the manifest test checks snippets with it.
import type { Diagnostic } from '../lang/ast';
import { compile, scanPragmas } from '../lang/index';

export function checkText(text: string, file: string): Diagnostic[] {
  let arch: 'x86_64' | 'i386' = 'x86_64';
  for (const p of scanPragmas(text, file).pragmas) {
    const v = p.value.trim();
    if (p.name === 'arch' && (v === 'x86_64' || v === 'i386')) arch = v;
  }
  return compile(text, file, { arch, rodataBase: 0, dataBase: 0 }).diagnostics;
}
