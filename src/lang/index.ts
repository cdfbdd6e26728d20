// The front end's public face: pragmas first (the machine's configuration decides the
// layout), then the checked program, or every error the file has.
import type { CheckOptions, Diagnostic, Expr, Pragma, Program, VarDecl } from './ast';
import { check, checkExpression } from './check';
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

// One expression typed outside the program (a debugger's condition or watch), against the
// variables visible where it will be evaluated. Errors come back as diagnostics located in `text`.
export function compileExpression(text: string, program: Program, visible: Iterable<VarDecl>, mode: 'value' | 'object' = 'value'): { expr: Expr | null; diagnostics: Diagnostic[] } {
  const file = '<expression>';
  const s = scan(text, file);
  if (s.diagnostics.some((d) => d.severity === 'error')) return { expr: null, diagnostics: s.diagnostics };
  const parser = new Parser(s.tokens, program.typedefs?.keys());
  const p = parser.wholeExpression();
  if (!p) return { expr: null, diagnostics: parser.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const expr = checkExpression(p, program, visible, mode, diagnostics);
  return { expr: diagnostics.some((d) => d.severity === 'error') ? null : expr, diagnostics };
}

function sortDiags(d: Diagnostic[]): Diagnostic[] {
  return [...d].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

export { BUILTINS, CONSTANTS } from './builtins';
