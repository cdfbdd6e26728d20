// The parser's output: C syntax before any typing. The checker turns it into ast.ts.
import type { Loc } from './ast';

export type PTypeSpec =
  | { k: 'base'; words: string[]; loc: Loc }                       // int, unsigned long, char, void, size_t...
  | { k: 'struct'; name: string | null; fields: PField[] | null; loc: Loc }
  | { k: 'enum'; name: string | null; items: { name: string; value: PExpr | null; loc: Loc }[] | null; loc: Loc }
  | { k: 'typedef'; name: string; loc: Loc };

export interface PField { spec: PTypeSpec; decl: PDeclarator }

// A declarator: name plus the derived parts, innermost last as C reads them.
export type PDerived =
  | { k: 'ptr' }
  | { k: 'array'; size: PExpr | null }
  | { k: 'func'; params: PParam[]; variadic: boolean };
export interface PDeclarator { name: string | null; loc: Loc; derived: PDerived[] }
export interface PParam { spec: PTypeSpec; decl: PDeclarator; loc: Loc }
export interface PTypeName { spec: PTypeSpec; decl: PDeclarator }

export type PInit =
  | { k: 'expr'; e: PExpr }
  | { k: 'list'; items: PInit[]; loc: Loc };

export interface PDeclItem { decl: PDeclarator; init: PInit | null }
export interface PDecl {
  k: 'decl'; loc: Loc; spec: PTypeSpec; storage: string[]; items: PDeclItem[];
  isTypedef: boolean;
}

export type PExpr =
  | { k: 'num'; loc: Loc; value: bigint; suffix: string; radix: number }
  | { k: 'char'; loc: Loc; value: bigint }
  | { k: 'str'; loc: Loc; bytes: Uint8Array }
  | { k: 'id'; loc: Loc; name: string }
  | { k: 'bin'; loc: Loc; op: string; l: PExpr; r: PExpr }
  | { k: 'assign'; loc: Loc; op: string; l: PExpr; r: PExpr }
  | { k: 'unary'; loc: Loc; op: string; e: PExpr }              // - + ! ~ * & ++ --  (prefix)
  | { k: 'postfix'; loc: Loc; op: string; e: PExpr }            // ++ --
  | { k: 'cond'; loc: Loc; c: PExpr; t: PExpr; f: PExpr }
  | { k: 'comma'; loc: Loc; l: PExpr; r: PExpr }
  | { k: 'call'; loc: Loc; callee: PExpr; args: PExpr[] }
  | { k: 'index'; loc: Loc; a: PExpr; i: PExpr }
  | { k: 'member'; loc: Loc; o: PExpr; name: string; arrow: boolean }
  | { k: 'cast'; loc: Loc; type: PTypeName; e: PExpr }
  | { k: 'sizeofType'; loc: Loc; type: PTypeName }
  | { k: 'sizeofExpr'; loc: Loc; e: PExpr }
  | { k: 'error'; loc: Loc };

export type PStmt =
  | { k: 'expr'; loc: Loc; e: PExpr }
  | PDecl
  | { k: 'block'; loc: Loc; body: PStmt[]; end: Loc }
  | { k: 'if'; loc: Loc; c: PExpr; t: PStmt; f: PStmt | null }
  | { k: 'while'; loc: Loc; c: PExpr; body: PStmt }
  | { k: 'do'; loc: Loc; body: PStmt; c: PExpr }
  | { k: 'for'; loc: Loc; init: PStmt | null; c: PExpr | null; step: PExpr | null; body: PStmt }
  | { k: 'break'; loc: Loc } | { k: 'continue'; loc: Loc }
  | { k: 'return'; loc: Loc; e: PExpr | null }
  | { k: 'switch'; loc: Loc; c: PExpr; body: PStmt }
  | { k: 'case'; loc: Loc; value: PExpr | null; body: PStmt }
  | { k: 'empty'; loc: Loc };

export interface PFunc {
  k: 'func'; loc: Loc; spec: PTypeSpec; storage: string[]; decl: PDeclarator; body: PStmt & { k: 'block' };
}

export type PTop = PFunc | PDecl | { k: 'stmt'; s: PStmt };
