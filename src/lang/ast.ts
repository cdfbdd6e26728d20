// The typed AST: the contract between the front end (lexer, parser, checker) and the
// interpreter. The checker makes every C conversion explicit (integer promotions, usual
// arithmetic conversions, array-to-pointer decay, assignment conversions) as `cast` nodes, so
// the interpreter never re-derives C's rules: each node's `type` is the type of its value.

export interface Loc { file: string; line: number; col: number }

export type Arch = 'x86_64' | 'i386';

// ---- types -------------------------------------------------------------------------------
export type IntKind = 'char' | 'short' | 'int' | 'long' | 'llong';
export interface IntType { k: 'int'; kind: IntKind; signed: boolean; size: 1 | 2 | 4 | 8; name: string }
export interface VoidType { k: 'void' }
export interface PtrType { k: 'ptr'; to: CType; size: 4 | 8 }
export interface ArrayType { k: 'array'; of: CType; len: number; size: number }
export interface StructField { name: string; type: CType; offset: number }
export interface StructType {
  k: 'struct'; name: string; fields: StructField[]; size: number; align: number;
  complete: boolean;
}
export interface FuncType { k: 'func'; ret: CType; params: CType[]; variadic: boolean }
export type CType = IntType | VoidType | PtrType | ArrayType | StructType | FuncType;

// ---- storage -----------------------------------------------------------------------------
// Where a variable lives. `reg`: a JS slot in the frame (scalar, address never taken).
// `stack`: bytes on the emulated stack at frame base + offset (arrays, structs, &-taken).
// `global`: bytes in .data/.bss at `addr` (absolute, assigned by the checker from the layout
// given in CheckOptions).
export type Storage =
  | { kind: 'reg'; slot: number }
  | { kind: 'stack'; offset: number }      // offset below the frame base (positive number)
  | { kind: 'global'; addr: number };

export interface VarDecl {
  name: string; type: CType; loc: Loc; storage: Storage;
  implicit?: boolean;   // created by assignment without declaration
  init?: Init;          // for globals: constant initialiser; for locals, see `decl` stmt
}

export type Init =
  | { kind: 'expr'; expr: Expr }
  | { kind: 'list'; items: Init[]; loc: Loc }      // { a, b, ... } for arrays/structs
  | { kind: 'string'; bytes: Uint8Array; loc: Loc }; // char buf[] = "..."

// ---- expressions ---------------------------------------------------------------------------
export type BinOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^'
  | '<' | '>' | '<=' | '>=' | '==' | '!=';

interface ExprBase { loc: Loc; type: CType }

export type Expr =
  // integer constant; value is exact (bigint only when outside the safe-integer range)
  | ExprBase & { kind: 'num'; value: number | bigint }
  // string literal: the interpreter places it in .rodata; `addr` is assigned by the checker
  | ExprBase & { kind: 'str'; bytes: Uint8Array; addr: number }
  | ExprBase & { kind: 'var'; decl: VarDecl }
  // integer/pointer arithmetic on operands already converted to `type` (or for comparisons,
  // to a common type; the result type is int). Pointer +/- integer is `ptradd`.
  | ExprBase & { kind: 'bin'; op: BinOp; left: Expr; right: Expr }
  // pointer + integer*scale (scale = pointee size, 1 for void*); `neg` for pointer - integer
  | ExprBase & { kind: 'ptradd'; ptr: Expr; index: Expr; scale: number; neg: boolean }
  // pointer - pointer, divided by scale; type is long (ptrdiff_t)
  | ExprBase & { kind: 'ptrdiff'; left: Expr; right: Expr; scale: number }
  | ExprBase & { kind: 'logand' | 'logor'; left: Expr; right: Expr }       // result int 0/1
  | ExprBase & { kind: 'not'; operand: Expr }                                 // !x, int 0/1
  | ExprBase & { kind: 'neg' | 'bitnot'; operand: Expr }                     // -x, ~x (promoted)
  | ExprBase & { kind: 'cond'; test: Expr; then: Expr; else: Expr }
  | ExprBase & { kind: 'comma'; left: Expr; right: Expr }
  // conversion to `type` (integer<->integer, integer<->pointer, pointer<->pointer, to void)
  | ExprBase & { kind: 'cast'; operand: Expr; implicit: boolean }
  // *p where the result type is a scalar or struct or array (arrays: the lvalue's address)
  | ExprBase & { kind: 'deref'; ptr: Expr }
  | ExprBase & { kind: 'addr'; operand: Expr }                               // &lvalue
  // s.f on an lvalue struct; p->f is parsed into member(deref(p), f)
  | ExprBase & { kind: 'member'; object: Expr; field: StructField }
  // lvalue = value (value already converted to lvalue's type); compound ops carry `op`
  // (computed in `opType`, then converted back); pointer compound += / -= carry `scale`
  | ExprBase & { kind: 'assign'; target: Expr; value: Expr; op?: BinOp; opType?: CType; scale?: number }
  // ++/-- : `delta` is +1/-1 scaled for pointers; prefix returns the new value
  | ExprBase & { kind: 'incdec'; target: Expr; delta: number; prefix: boolean }
  | ExprBase & { kind: 'call'; callee: Callee; args: Expr[] }
  // sizeof already folded to `num` by the checker; array-to-pointer decay is `decay`
  | ExprBase & { kind: 'decay'; array: Expr };

export type Callee =
  | { kind: 'builtin'; name: string }
  | { kind: 'func'; func: FuncDecl };

// ---- statements ----------------------------------------------------------------------------
interface StmtBase { loc: Loc }
export type Stmt =
  | StmtBase & { kind: 'expr'; expr: Expr }
  | StmtBase & { kind: 'decl'; decls: { decl: VarDecl; init?: Init }[] }
  | StmtBase & { kind: 'block'; body: Stmt[] }
  | StmtBase & { kind: 'if'; test: Expr; then: Stmt; else?: Stmt }
  | StmtBase & { kind: 'while'; test: Expr; body: Stmt }
  | StmtBase & { kind: 'dowhile'; body: Stmt; test: Expr }
  | StmtBase & { kind: 'for'; init?: Stmt; test?: Expr; update?: Expr; body: Stmt }
  | StmtBase & { kind: 'break' } | StmtBase & { kind: 'continue' }
  | StmtBase & { kind: 'return'; value?: Expr }
  | StmtBase & { kind: 'switch'; test: Expr; body: Stmt; cases: { value: number | bigint | null; stmt: Stmt }[] }
  | StmtBase & { kind: 'case'; value: number | bigint | null; body: Stmt }   // null = default
  | StmtBase & { kind: 'empty' };

export interface FuncDecl {
  name: string; type: FuncType; loc: Loc;
  params: VarDecl[];
  body?: Stmt & { kind: 'block' };   // undefined for a prototype never defined
  regSlots: number;                  // JS slots needed (params and reg locals and temporaries)
  frameSize: number;                 // bytes of emulated stack for stack-stored locals (16-aligned)
  endLoc: Loc;                       // the closing brace (where "return" at end stops)
}

export interface Pragma { name: string; value: string; loc: Loc }

export interface Program {
  file: string;
  arch: Arch;
  pragmas: Pragma[];
  globals: VarDecl[];                 // storage.kind === 'global'
  funcs: Map<string, FuncDecl>;
  // A file without `main`: its top-level statements, run in order as the body of a
  // synthetic function `main` (`funcs.get('main')` is then that synthetic function).
  scriptStyle: boolean;
  // .rodata (string literals) and .data/.bss images, addresses absolute (see CheckOptions)
  rodata: { addr: number; bytes: Uint8Array };
  dataSize: number; bssSize: number;
  structs: Map<string, StructType>;
  typedefs?: Map<string, CType>;      // for expressions typed later (the debugger's conditions)
}

export interface Diagnostic { loc: Loc; message: string; severity: 'error' | 'warning' }

// What the checker needs from the machine: the architecture and where the sections go.
export interface CheckOptions {
  arch: Arch;
  rodataBase: number;   // string literals are placed from here
  dataBase: number;     // .data then .bss are placed from here (each global aligned)
}
