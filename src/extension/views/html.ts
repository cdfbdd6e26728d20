// The page every HeapStep webview loads: a strict CSP (scripts only with this page's nonce,
// styles only from the extension or with the nonce, no eval), the shared stylesheet and the
// view's bundle. No vscode import, so the webview tests serve exactly this page.
import type { ViewId } from '../../protocol/messages';

export const VIEW_SCRIPTS: Record<ViewId, { script: string; title: string }> = {
  heapMap: { script: 'heapmap.js', title: 'Heap map' },
  bins: { script: 'bins.js', title: 'Bins' },
  addressSpace: { script: 'addrspace.js', title: 'Address space' },
  pageWalk: { script: 'pagewalk.js', title: 'Page walk' },
  timeline: { script: 'timeline.js', title: 'Timeline' },
};

export interface PageParts {
  cspSource: string;     // webview.cspSource
  nonce: string;
  mediaRoot: string;     // URI of dist/media as the webview sees it, without a trailing slash
  view: ViewId;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function csp(cspSource: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource} 'nonce-${nonce}'; img-src ${cspSource} data:; font-src ${cspSource};`;
}

export function viewHtml(p: PageParts): string {
  const v = VIEW_SCRIPTS[p.view];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.mediaRoot)}/views.css" nonce="${attr(p.nonce)}">
<title>${attr(v.title)}</title>
</head>
<body>
<script nonce="${attr(p.nonce)}" src="${attr(p.mediaRoot)}/${attr(v.script)}"></script>
</body>
</html>
`;
}

// 128 random bits, base64: what CSP needs from a nonce. Web Crypto exists in Node 20 and in
// the extension host alike.
export function makeNonce(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}
