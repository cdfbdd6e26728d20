// After each stop, next to the allocator calls already executed in the stopped function: what
// the pointer they produced is now (`→ 0x5555555592a0 · chunk 0x20 · in use`), and where a freed
// chunk went (`freed → tcache[0x20] 1/7`). Values are read at this stop, not remembered from
// the call: a pointer reassigned since shows its new value, as VS Code's own inline values do.
import * as vscode from 'vscode';
import { allocSites, regions } from './alloc-sites';
import { allocLabel, freeLabel, parsePointer } from './chunk-label';
import { LANGUAGE_ID } from './ids';
import { evaluateIn, type Stops } from './stops';

const MAX_SITES = 40;   // a stop must not wait on hundreds of evaluations

export function registerInlineValues(context: vscode.ExtensionContext, stops: Stops): void {
  const provider: vscode.InlineValuesProvider = {
    async provideInlineValues(doc, viewPort, ctx, token) {
      const session = stops.stoppedSession();
      if (!session) return [];
      const text = doc.getText();
      const stopLine = ctx.stoppedLocation.start.line;
      const region = regions(text);
      const sites = allocSites(text)
        .filter((s) => s.line < stopLine && region[s.line] === region[stopLine] && s.line >= viewPort.start.line && s.line <= viewPort.end.line)
        .slice(-MAX_SITES);
      if (!sites.length) return [];
      const state = await stops.state(session);
      if (!state || token.isCancellationRequested) return [];
      const found = await Promise.all(sites.map(async (s) => {
        const v = await evaluateIn(session, s.target, ctx.frameId, 'watch');
        if (v === null) return '';
        const ptr = parsePointer(v);
        return s.kind === 'alloc' ? `${s.target} ${allocLabel(state, ptr)}` : freeLabel(state, ptr);
      }));
      const labels = new Map<number, string[]>();
      sites.forEach((s, i) => { if (found[i]) labels.set(s.line, [...(labels.get(s.line) ?? []), found[i]]); });
      return [...labels].map(([line, parts]) => {
        const end = doc.lineAt(line).range.end;
        return new vscode.InlineValueText(new vscode.Range(end, end), parts.join('  '));
      });
    },
  };
  context.subscriptions.push(vscode.languages.registerInlineValuesProvider({ language: LANGUAGE_ID }, provider));
}
