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

export const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function csp(cspSource: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource} 'nonce-${nonce}'; img-src ${cspSource} data:; font-src ${cspSource};`;
}

export interface Page {
  cspSource: string; nonce: string; mediaRoot: string;
  title: string;
  script: string;        // the bundle in dist/media
  style?: string;        // the page's own rules, in a <style> with the nonce
  body?: string;         // markup before the script (static, from this extension)
}

// Every HeapStep page: the CSP, the shared stylesheet, the page's rules and its one script.
export function pageHtml(p: Page): string {
  const n = attr(p.nonce), root = attr(p.mediaRoot);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${root}/views.css" nonce="${n}">
${p.style ? `<style nonce="${n}">${p.style}</style>\n` : ''}<title>${attr(p.title)}</title>
</head>
<body>
${p.body ? `${p.body}\n` : ''}<script nonce="${n}" src="${root}/${attr(p.script)}"></script>
</body>
</html>
`;
}

export function viewHtml(p: PageParts): string {
  const v = VIEW_SCRIPTS[p.view];
  return pageHtml({ cspSource: p.cspSource, nonce: p.nonce, mediaRoot: p.mediaRoot, title: v.title, script: v.script });
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
