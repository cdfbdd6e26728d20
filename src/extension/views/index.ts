// The HeapStep panel: heap map, bins, address space, page walk and timeline, all fed by one
// state request per stop.
import * as vscode from 'vscode';
import type { ViewId } from '../../protocol/messages';
import { StateFeed } from './feed';
import { registerMemoryDocuments } from './memory';
import { HeapStepView } from './provider';
import type { Stops } from '../stops';
import { InternalCommands } from '../ids';

export const VIEW_IDS: Record<ViewId, string> = {
  heapMap: 'heapstep.heapMap', bins: 'heapstep.bins', addressSpace: 'heapstep.addressSpace',
  pageWalk: 'heapstep.pageWalk', timeline: 'heapstep.timeline',
};

export function registerViews(context: vscode.ExtensionContext, stops: Stops): void {
  const feed = new StateFeed(stops);
  feed.register(context);
  registerMemoryDocuments(context);
  context.subscriptions.push(vscode.commands.registerCommand(InternalCommands.selectChunk, (addr: unknown) => {
    if (typeof addr === 'number' && Number.isSafeInteger(addr) && addr >= 0) feed.selectChunk(addr);
  }));
  for (const [view, id] of Object.entries(VIEW_IDS) as [ViewId, string][]) {
    context.subscriptions.push(vscode.window.registerWebviewViewProvider(id, new HeapStepView(context.extensionUri, view, feed)));
  }
}
