// restart: the program reloaded from disk with the launch's machine options, and the
// breakpoints the client set placed again on the new program under their old ids.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Breakpoints } from './breakpoints';

type Placed = DebugProtocol.Breakpoint[];
interface Kept<S> { specs: S; ids: number[] }

export class BreakpointMemory {
  private lines = new Map<string, Kept<{ source: DebugProtocol.Source; specs: DebugProtocol.SourceBreakpoint[] }>>();
  private functions: Kept<DebugProtocol.FunctionBreakpoint[]> | null = null;
  private data: Kept<DebugProtocol.DataBreakpoint[]> | null = null;

  setLines(bps: Breakpoints, source: DebugProtocol.Source, specs: DebugProtocol.SourceBreakpoint[]): Placed {
    const placed = bps.setLines(source, specs);
    this.lines.set(source.path ?? source.name ?? '', { specs: { source, specs }, ids: ids(placed) });
    return placed;
  }
  setFunctions(bps: Breakpoints, specs: DebugProtocol.FunctionBreakpoint[]): Placed {
    const placed = bps.setFunctions(specs);
    this.functions = { specs, ids: ids(placed) };
    return placed;
  }
  setData(bps: Breakpoints, specs: DebugProtocol.DataBreakpoint[]): Placed {
    const placed = bps.setData(specs);
    this.data = { specs, ids: ids(placed) };
    return placed;
  }

  // After a reload: each kind placed again, which compiles conditions and resolves lines and
  // watched addresses against the new program.
  reapply(bps: Breakpoints): void {
    for (const k of this.lines.values()) bps.reuseIds(k.ids, () => bps.setLines(k.specs.source, k.specs.specs));
    if (this.functions) { const f = this.functions; bps.reuseIds(f.ids, () => bps.setFunctions(f.specs)); }
    if (this.data) { const d = this.data; bps.reuseIds(d.ids, () => bps.setData(d.specs)); }
  }
}

function ids(placed: Placed): number[] { return placed.map((b) => b.id ?? 0); }
