// What the webviews and their hosts say to each other. Each direction is a discriminated union
// on `type`, so both ends switch exhaustively and a new message breaks the build until handled.
import type { HeapState } from './state';

export type ViewId = 'heapMap' | 'bins' | 'addressSpace' | 'pageWalk' | 'timeline';

// host -> webview
export type HostMessage =
  | { type: 'state'; state: HeapState }
  | { type: 'noSession' }
  | { type: 'error'; message: string }
  | { type: 'select'; addr: number };                        // select the chunk at addr (the heap map; others ignore it)

// webview -> host
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; addr: number; size: number }          // open the chunk in the memory view
  | { type: 'selectAddress'; addr: number }                  // page-walk this address
  | { type: 'travel'; step: number };                        // go to the stop at this step

export function isViewMessage(m: unknown): m is ViewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  const n = (k: string) => typeof r[k] === 'number' && Number.isSafeInteger(r[k]) && (r[k] as number) >= 0;
  switch (r.type) {
    case 'ready': return true;
    case 'reveal': return n('addr') && n('size');
    case 'selectAddress': return n('addr');
    case 'travel': return n('step');
    default: return false;
  }
}
