// The extension's entry point, for the desktop (dist/extension.js) and VS Code for the Web
// (dist/web/extension.js) alike: a list of registrations, one concern per file. Nothing here
// touches Node, so the same code runs in the browser's extension host.
import type * as vscode from 'vscode';
import { registerCompareWithHost } from './compare-with-host';
import { registerDebugAdapter } from './debug-adapter';
import { registerDebugConfigurations } from './debug-config';
import { registerDebugScenario } from './debug-scenario';
import { registerDiagnostics } from './diagnostics';
import { registerExplain } from './explain';
import { registerExportState } from './export-state';
import { registerHover } from './hover';
import { registerInlineValues } from './inline-values';
import { createLog, type Log } from './log';
import { registerOpenExample } from './open-example';
import { registerRunScenario } from './run-scenario';
import { Stops } from './stops';
import { registerViews } from './views/index';
import { registerWalkthrough } from './walkthrough';

export interface Services { log: Log; stops: Stops }
export type Feature = (context: vscode.ExtensionContext, services: Services) => void;

// Features added by other parts of the extension (the webview panels: `registerViews` from
// ./views/index) append their registration here; each runs once at activation, in order.
export const FEATURES: Feature[] = [
  (c) => registerDebugAdapter(c),
  (c) => registerDebugConfigurations(c),
  (c, s) => s.stops.register(c),
  (c, s) => registerRunScenario(c, s.log),
  (c) => registerDebugScenario(c),
  (c) => registerExportState(c),
  (c) => registerOpenExample(c),
  (c) => registerDiagnostics(c),
  (c, s) => registerHover(c, s.stops),
  (c, s) => registerInlineValues(c, s.stops),
  (c, s) => registerViews(c, s.stops),
  (c, s) => registerExplain(c, s.stops),
  (c) => registerWalkthrough(c),
  (c) => registerCompareWithHost(c),
];

// When the bundle's first and last lines ran (build.mjs), so the time counts evaluating the code.
declare const __heapstepLoad: [number, number] | undefined;

// What extension tests can read through `vscode.extensions.getExtension(…).exports`.
export interface HeapStepApi { activationMs: number; loadMs: number }

export function activate(context: vscode.ExtensionContext): HeapStepApi {
  const t0 = performance.now();
  const loadMs = typeof __heapstepLoad !== 'undefined' ? __heapstepLoad[1] - __heapstepLoad[0] : 0;
  const services: Services = { log: createLog(context), stops: new Stops() };
  for (const f of FEATURES) f(context, services);
  const activationMs = performance.now() - t0;
  services.log.info(`HeapStep activated in ${(loadMs + activationMs).toFixed(1)} ms (loading the bundle ${loadMs.toFixed(1)} ms, activate() ${activationMs.toFixed(1)} ms)`);
  return { activationMs, loadMs };
}

export function deactivate(): void { /* everything is in context.subscriptions */ }
