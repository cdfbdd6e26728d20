// setVariable and setExpression: a debugger write into a local, a global, a struct field or an
// array element. A register local changes in its frame; everything else is written through
// DebuggerMemory, so only into pages already resident and writable by the program (no fault,
// no RSS or TLB change; a page the program never touched is refused rather than brought in).
// The bytes are the machine's own: a size field overwritten here is what glibc's checks read
// at the next free. The client hears `invalidated` and `memory` for what changed.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CType, Expr, VarDecl } from '../lang/ast';
import { converter, shapeOf, type Val } from '../machine/interp/arith';
import type { Frame } from '../machine/interp/frame';
import { storer } from '../machine/interp/memops';
import type { Scenario } from '../machine/scenario';
import type { ConsoleContext } from './console/context';
import { DebuggerMemory } from './console/debug-memory';
import { compileIn, evaluateCompiled, frameView, guarded, lvalueAddress, visibleDecls, type FrameView } from './console/expr';
import { present } from './console/present';

type Target =
  | { kind: 'reg'; frame: Frame; slot: number; type: CType }
  | { kind: 'mem'; addr: number; type: CType };

type SetBody = DebugProtocol.SetVariableResponse['body'];

function declTarget(d: VarDecl, fv: FrameView): Target {
  if (d.storage.kind === 'reg') {
    if (!fv.frame) throw new Error(`'${d.name}' has no frame here`);
    return { kind: 'reg', frame: fv.frame, slot: d.storage.slot, type: d.type };
  }
  const addr = d.storage.kind === 'global' ? d.storage.addr : fv.frame ? fv.frame.base - d.storage.offset : null;
  if (addr === null) throw new Error(`'${d.name}' has no storage here`);
  return { kind: 'mem', addr, type: d.type };
}

// The variable a (variablesReference, name) pair of the variables view names.
function variableTarget(con: ConsoleContext, sc: Scenario, ref: number, name: string): { target: Target; fv: FrameView } {
  const h = con.store.get(ref);
  if (!h) throw new Error('that variable is gone (the program has moved on)');
  if (h.kind === 'locals' || h.kind === 'globals') {
    const fv = h.kind === 'locals' ? frameView(sc, h.frame) : frameView(sc, undefined);
    const decls = h.kind === 'locals' ? visibleDecls(sc, fv).filter((d) => d.storage.kind !== 'global') : sc.program.globals;
    const d = [...decls].reverse().find((x) => x.name === name);
    if (!d) throw new Error(`no variable '${name}' here`);
    return { target: declTarget(d, fv), fv };
  }
  if (h.kind === 'memory') {
    const fv = frameView(sc, undefined);
    const t = h.type;
    if (t.k === 'struct') {
      const f = t.fields.find((x) => x.name === name);
      if (!f) throw new Error(`struct ${t.name} has no field '${name}'`);
      return { target: { kind: 'mem', addr: h.addr + f.offset, type: f.type }, fv };
    }
    const m = /^\[(\d+)\]$/.exec(name);
    if (t.k === 'array' && m && Number(m[1]) < t.len) {
      return { target: { kind: 'mem', addr: h.addr + Number(m[1]) * (t.size / t.len), type: t.of }, fv };
    }
    throw new Error(`'${name}' cannot be set`);
  }
  throw new Error(`the ${h.kind} scope shows the machine's state and is read-only here; write bytes with the memory view or an assignment in the Debug Console`);
}

// The lvalue an expression designates (setExpression, a watch edited in place).
function expressionTarget(sc: Scenario, fv: FrameView, e: Expr): Target {
  if (e.kind === 'var' && e.decl.storage.kind === 'reg') return declTarget(e.decl, fv);
  return { kind: 'mem', addr: lvalueAddress(sc, fv, e), type: e.type };
}

function assign(con: ConsoleContext, sc: Scenario, fv: FrameView, target: Target, valueText: string): SetBody {
  const t = target.type;
  if (t.k !== 'int' && t.k !== 'ptr') throw new Error(`a ${t.k === 'struct' ? 'struct' : t.k === 'array' ? 'array' : 'value of this type'} is set one field or element at a time`);
  const value = evaluateCompiled(sc, fv, compileIn(sc, fv, valueText, 'value'), { refuseWrites: 'the new value must not change anything itself' });
  if (value.type.k !== 'int' && value.type.k !== 'ptr') throw new Error(`'${valueText}' is not a number or a pointer`);
  const v: Val = converter(shapeOf(t))(value.value);
  if (target.kind === 'reg') {
    target.frame.r[target.slot] = v;
    con.announceWrites([]);
  } else {
    const mem = new DebuggerMemory(sc, null);
    guarded(() => storer(mem, t)(target.addr, v));
    con.announceWrites(mem.writes);
  }
  const shown = present(sc, con.store, { expr: value.expr, type: t, value: v, addr: target.kind === 'mem' ? target.addr : null, writes: [], assigned: false });
  return { value: shown.result, type: shown.type, variablesReference: shown.variablesReference, memoryReference: shown.memoryReference } as SetBody;
}

export function setVariable(con: ConsoleContext, args: DebugProtocol.SetVariableArguments): SetBody {
  const sc = con.scenario;
  const { target, fv } = variableTarget(con, sc, args.variablesReference, args.name);
  return assign(con, sc, fv, target, args.value);
}

export function setExpression(con: ConsoleContext, args: DebugProtocol.SetExpressionArguments): DebugProtocol.SetExpressionResponse['body'] {
  const sc = con.scenario;
  const fv = frameView(sc, args.frameId);
  const target = expressionTarget(sc, fv, compileIn(sc, fv, args.expression, 'object'));
  return assign(con, sc, fv, target, args.value);
}
