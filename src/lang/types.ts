// C's types on the two ABIs HeapStep emulates: LP64 (x86_64) and ILP32 (i386).
import type { Arch, CType, IntKind, IntType, PtrType, StructType } from './ast';

export interface Ctypes {
  arch: Arch;
  ptrSize: 4 | 8;
  char: IntType; schar: IntType; uchar: IntType; bool: IntType;
  short: IntType; ushort: IntType; int: IntType; uint: IntType;
  long: IntType; ulong: IntType; llong: IntType; ullong: IntType;
  void: CType;
  sizeT: IntType; ssizeT: IntType;
}

const it = (kind: IntKind, signed: boolean, size: 1 | 2 | 4 | 8, name: string): IntType => ({ k: 'int', kind, signed, size, name });

export function ctypes(arch: Arch): Ctypes {
  const l = arch === 'x86_64' ? 8 : 4;
  const long = it('long', true, l, 'long'), ulong = it('long', false, l, 'unsigned long');
  return {
    arch, ptrSize: l,
    char: it('char', true, 1, 'char'), schar: it('char', true, 1, 'signed char'), uchar: it('char', false, 1, 'unsigned char'),
    bool: it('char', false, 1, '_Bool'),
    short: it('short', true, 2, 'short'), ushort: it('short', false, 2, 'unsigned short'),
    int: it('int', true, 4, 'int'), uint: it('int', false, 4, 'unsigned int'),
    long, ulong,
    llong: it('llong', true, 8, 'long long'), ullong: it('llong', false, 8, 'unsigned long long'),
    void: { k: 'void' },
    sizeT: { ...ulong, name: 'size_t' }, ssizeT: { ...long, name: 'ssize_t' },
  };
}

// Base type words (after qualifiers are dropped) to a type.
export function baseType(T: Ctypes, words: string[]): CType | string {
  const named: Record<string, CType> = {
    size_t: T.sizeT, ssize_t: T.ssizeT, uintptr_t: { ...T.ulong, name: 'uintptr_t' }, intptr_t: { ...T.long, name: 'intptr_t' },
    ptrdiff_t: { ...T.long, name: 'ptrdiff_t' }, off_t: { ...T.long, name: 'off_t' },
    uint8_t: { ...T.uchar, name: 'uint8_t' }, uint16_t: { ...T.ushort, name: 'uint16_t' }, uint32_t: { ...T.uint, name: 'uint32_t' },
    uint64_t: { ...(T.ptrSize === 8 ? T.ulong : T.ullong), name: 'uint64_t' },
    int8_t: { ...T.schar, name: 'int8_t' }, int16_t: { ...T.short, name: 'int16_t' }, int32_t: { ...T.int, name: 'int32_t' },
    int64_t: { ...(T.ptrSize === 8 ? T.long : T.llong), name: 'int64_t' },
    u8: T.uchar, u16: T.ushort, u32: T.uint, u64: T.ptrSize === 8 ? T.ulong : T.ullong,
    _Bool: T.bool, bool: T.bool, void: T.void,
  };
  if (words.length === 1 && named[words[0]]) return named[words[0]];
  let signed: boolean | null = null, longs = 0, base: string | null = null;
  for (const w of words) {
    if (w === 'signed' || w === 'unsigned') { if (signed !== null) return `duplicate '${w}'`; signed = w === 'signed'; }
    else if (w === 'long') longs++;
    else if (w === 'char' || w === 'short' || w === 'int') { if (base) return `cannot combine '${base}' with '${w}'`; base = w; }
    else return `cannot combine '${w}' with other type words`;
  }
  if (base === 'char') { if (longs) return "'long char' is invalid"; return signed === null ? T.char : signed ? T.schar : T.uchar; }
  if (base === 'short') { if (longs) return "'long short' is invalid"; return signed === false ? T.ushort : T.short; }
  if (longs > 2) return "'long long long' is too long";
  if (longs === 2) return signed === false ? T.ullong : T.llong;
  if (longs === 1) return signed === false ? T.ulong : T.long;
  return signed === false ? T.uint : T.int;
}

export function ptrTo(T: Ctypes, to: CType): PtrType { return { k: 'ptr', to, size: T.ptrSize }; }

export function sizeOf(t: CType): number {
  switch (t.k) {
    case 'int': case 'ptr': return t.size;
    case 'array': return t.size;
    case 'struct': return t.size;
    case 'void': return 1;     // GNU: sizeof(void) == 1, void* arithmetic scales by 1
    case 'func': return 1;
  }
}

export function alignOf(T: Ctypes, t: CType): number {
  switch (t.k) {
    case 'int': return T.arch === 'i386' && t.size === 8 ? 4 : t.size;
    case 'ptr': return t.size;
    case 'array': return alignOf(T, t.of);
    case 'struct': return t.align;
    default: return 1;
  }
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function layoutStruct(T: Ctypes, s: StructType, fields: { name: string; type: CType }[]): void {
  let off = 0, align = 1;
  s.fields = fields.map((f) => {
    const a = alignOf(T, f.type);
    off = alignUp(off, a);
    const field = { name: f.name, type: f.type, offset: off };
    off += sizeOf(f.type);
    align = Math.max(align, a);
    return field;
  });
  s.align = align;
  s.size = alignUp(Math.max(off, 0), align);
  s.complete = true;
}

export const isInt = (t: CType): t is IntType => t.k === 'int';
export const isPtr = (t: CType): t is PtrType => t.k === 'ptr';
export const isScalar = (t: CType): boolean => t.k === 'int' || t.k === 'ptr';

const RANK: Record<IntKind, number> = { char: 1, short: 2, int: 3, long: 4, llong: 5 };

export function promote(T: Ctypes, t: IntType): IntType {
  return RANK[t.kind] < RANK.int ? T.int : t;
}

// The usual arithmetic conversions of two promoted integer types.
export function usual(T: Ctypes, a: IntType, b: IntType): IntType {
  a = promote(T, a); b = promote(T, b);
  if (a.signed === b.signed) return RANK[a.kind] >= RANK[b.kind] ? strip(T, a) : strip(T, b);
  const [u, s] = a.signed ? [b, a] : [a, b];
  if (RANK[u.kind] >= RANK[s.kind]) return strip(T, u);
  if (s.size > u.size) return strip(T, s);
  return unsignedOf(T, s);
}

// typedef names (size_t...) are spelled by their underlying type in results of arithmetic
function strip(T: Ctypes, t: IntType): IntType {
  const all = [T.int, T.uint, T.long, T.ulong, T.llong, T.ullong];
  return all.find((x) => x.kind === t.kind && x.signed === t.signed) ?? t;
}
function unsignedOf(T: Ctypes, t: IntType): IntType {
  return t.kind === 'llong' ? T.ullong : t.kind === 'long' ? T.ulong : T.uint;
}

export function typeStr(t: CType): string {
  switch (t.k) {
    case 'int': return t.name;
    case 'void': return 'void';
    case 'ptr': return t.to.k === 'func' ? 'function pointer' : `${typeStr(t.to)} *`;
    case 'array': return `${typeStr(t.of)}[${t.len}]`;
    case 'struct': return `struct ${t.name}`;
    case 'func': return `${typeStr(t.ret)} (${t.params.map(typeStr).join(', ')})`;
  }
}

export function sameType(a: CType, b: CType): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'int': return a.size === (b as IntType).size && a.signed === (b as IntType).signed && a.kind === (b as IntType).kind;
    case 'ptr': return sameType(a.to, (b as PtrType).to);
    case 'array': return b.k === 'array' && a.len === b.len && sameType(a.of, b.of);
    case 'struct': return a === b;
    default: return true;
  }
}
