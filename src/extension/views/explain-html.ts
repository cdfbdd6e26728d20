// The Explain panel's page: the CSP of the HeapStep views (scripts and styles only with this
// page's nonce or from the extension, no eval), the shared stylesheet, the panel's own few
// rules and its bundle. No vscode import, so the webview tests serve exactly this page.
import { pageHtml } from './html';

export interface ExplainPageParts {
  cspSource: string;     // webview.cspSource
  nonce: string;
  mediaRoot: string;     // URI of dist/media as the webview sees it, without a trailing slash
}

// Theme variables only; links are buttons (keyboard and screen reader) dressed as links.
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; line-height: 1.5; max-width: 52em; }
h2 { font-size: 1.15em; margin: 1.2em 0 0.2em; font-family: var(--vscode-editor-font-family); }
.meta { color: var(--vscode-descriptionForeground); margin: 0 0 0.6em; }
.meta code, .why code { font-family: var(--vscode-editor-font-family); }
.note { border-left: 3px solid var(--vscode-textBlockQuote-border, var(--vscode-focusBorder)); background: var(--vscode-textBlockQuote-background, transparent); padding: 4px 8px; }
.status { color: var(--vscode-descriptionForeground); }
p { margin: 0.5em 0; }
button.ref { font: inherit; color: var(--vscode-textLink-foreground); background: none; border: none; padding: 0; cursor: pointer; text-decoration: underline; text-decoration-style: dotted; }
button.ref:hover { color: var(--vscode-textLink-activeForeground); background: none; text-decoration-style: solid; }
button.ref:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
button.ref.chunk, button.ref.syscall, button.ref.mapping { font-family: var(--vscode-editor-font-family); }
.preview { color: var(--vscode-descriptionForeground); font-family: var(--vscode-editor-font-family); }
details.why { margin-top: 0.6em; color: var(--vscode-descriptionForeground); }
details.why pre { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; margin: 0.3em 0; }
hr { border: none; border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); margin: 1.2em 0; }
`;

export function explainHtml(p: ExplainPageParts): string {
  return pageHtml({ ...p, title: 'Explain', script: 'explain.js', style: STYLE, body: '<main id="explain" aria-live="polite"></main>' });
}
