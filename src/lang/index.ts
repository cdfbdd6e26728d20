// The front end's public face: pragmas first (the machine's configuration decides the
// layout), then the checked program, or every error the file has.
import type { CheckOptions, Diagnostic, Pragma, Program } from './ast';
import { check } from './check';
import { Parser } from './parse';
import { scan } from './scan';
import { validatePragmas } from './pragmas';

export function scanPragmas(text: string, file: string): { pragmas: Pragma[]; diagnostics: Diagnostic[] } {
  const s = scan(text, file);
  return { pragmas: s.pragmas, diagnostics: validatePragmas(s.pragmas) };
}

export function compile(text: string, file: string, opts: CheckOptions): { program: Program | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  try {
    const s = scan(text, file);
    diagnostics.push(...s.diagnostics, ...validatePragmas(s.pragmas));
    const parser = new Parser(s.tokens);
    const tops = parser.parseProgram();
    diagnostics.push(...parser.diagnostics);
    // type errors are only worth reporting on a file that parses
    if (diagnostics.some((d) => d.severity === 'error')) return { program: null, diagnostics: sortDiags(diagnostics) };
    const program = check(tops, file, opts, diagnostics);
    if (program) program.pragmas = s.pragmas;
    const ok = program !== null && !diagnostics.some((d) => d.severity === 'error');
    return { program: ok ? program : null, diagnostics: sortDiags(diagnostics) };
  } catch (e) {
    // the front end must never throw; an internal failure is still a located answer
    diagnostics.push({ loc: { file, line: 1, col: 1 }, message: `internal error in the front end: ${(e as Error)?.message ?? e}`, severity: 'error' });
    return { program: null, diagnostics };
  }
}

function sortDiags(d: Diagnostic[]): Diagnostic[] {
  return [...d].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

export { BUILTINS, CONSTANTS } from './builtins';
