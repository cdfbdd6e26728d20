// Serves each view's page exactly as the extension builds it (same HTML, same CSP, same
// bundles) and drives it in headless Chromium with a stub of `acquireVsCodeApi` that records
// what the view posts. Also used by bench/webview.bench.ts.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { VIEW_SCRIPTS, viewHtml } from '../../src/extension/views/html';
import type { HostMessage, ViewId, ViewMessage } from '../../src/protocol/messages';
import type { HeapState } from '../../src/protocol/state';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export interface Harness {
  origin: string;
  browser: Browser;
  open(view: ViewId, opts?: { injectInline?: string }): Promise<ViewPage>;
  close(): Promise<void>;
}

export interface ViewPage {
  page: Page;
  posted(): Promise<ViewMessage[]>;
  send(m: HostMessage): Promise<void>;
  sendState(s: HeapState): Promise<void>;        // resolves once the view has drawn it
  hook<T = unknown>(name: string): Promise<T>;
  violations(): Promise<string[]>;
  alerts: string[];
  errors: string[];
}

// Runs in the page before any of its scripts: the VS Code webview API, and records of CSP
// violations and alerts (a hostile string that became script would call alert).
const STUB = `
  window.__posted = []; window.__violations = []; window.__alerts = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => state, setState: (s) => { state = s; },
  });
  window.alert = (m) => { window.__alerts.push(String(m)); };
  document.addEventListener('securitypolicyviolation', (e) => { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });
`;

export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run test/setup.sh (apt-get install chromium)`);
  const out = mkdtempSync(join(tmpdir(), 'heapstep-media-'));
  // from the working directory: the benchmark runs this file bundled elsewhere
  const opts = pathToFileURL(join(process.cwd(), 'media/build-options.mjs')).href;
  const { mediaBuildOptions } = await import(opts) as { mediaBuildOptions(o: string): Parameters<typeof build>[0] };
  await build(mediaBuildOptions(out));
  const nonce = 'dGVzdG5vbmNlMTIzNDU2Nw==';
  let server: Server;
  const origin = await new Promise<string>((resolve) => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/media/')) {
        const file = normalize(join(out, url.pathname.slice(7)));
        if (!file.startsWith(out) || !existsSync(file)) { res.writeHead(404).end(); return; }
        res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(readFileSync(file));
        return;
      }
      const view = url.pathname.slice(1) as ViewId;
      if (!(view in VIEW_SCRIPTS)) { res.writeHead(404).end(); return; }
      let html = viewHtml({ cspSource: originOf(server), nonce, mediaRoot: `${originOf(server)}/media`, view });
      const inject = url.searchParams.get('inject');
      if (inject) html = html.replace('</body>', `${inject}</body>`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }).listen(0, '127.0.0.1', () => resolve(originOf(server)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  return {
    origin, browser,
    async open(view, opts = {}) {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const vp: ViewPage = {
        page, alerts: [], errors: [],
        posted: () => page.evaluate('window.__posted') as Promise<ViewMessage[]>,
        send: async (m) => { await page.evaluate((msg) => { (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'); }, m); },
        async sendState(s) {
          const before = await vp.hook<number>('renders');
          await vp.send({ type: 'state', state: s });
          await page.waitForFunction((n) => (globalThis as unknown as { __heapstep: { renders: number } }).__heapstep.renders > n, before);
        },
        hook: <T>(name: string) => page.evaluate((n) => {
          const v = (globalThis as unknown as { __heapstep: Record<string, unknown> }).__heapstep[n];
          return (typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x !== 'function')) : v);
        }, name) as Promise<T>,
        violations: () => page.evaluate('window.__violations') as Promise<string[]>,
      };
      page.on('dialog', (d) => { vp.alerts.push(d.message()); void d.dismiss(); });
      page.on('pageerror', (e) => vp.errors.push(String(e)));
      await page.addInitScript(STUB);
      const q = opts.injectInline ? `?inject=${encodeURIComponent(opts.injectInline)}` : '';
      await page.goto(`${origin}/${view}${q}`);
      await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
      return vp;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      rmSync(out, { recursive: true, force: true });
    },
  };
}

function originOf(s: Server): string {
  const a = s.address();
  return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}` : '';
}
