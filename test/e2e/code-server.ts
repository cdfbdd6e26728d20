// code-server (VS Code 1.139 in a browser) for the end-to-end tests: set-up of the machine,
// packaging the extension, a server with a fresh profile per run, and the browser that drives
// it. Everything it starts is stopped by process group, also when a test fails or the run is
// interrupted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = join(ROOT, 'test-results', 'e2e');

// Each e2e file empties test-results/e2e/ before it starts, but only the first one in a mocha
// run may, or the later file deletes the earlier one's screenshots and logs.
let resultsFresh = false;
export function freshResults(): void {
  if (!resultsFresh) rmSync(RESULTS, { recursive: true, force: true });
  resultsFresh = true;
  mkdirSync(RESULTS, { recursive: true });
}

export interface E2EEnv { node24: string; codeServer: string; chromium: string; codeServerVersion: string }

// Runs test/e2e/setup.sh (fast once installed). In CI a machine that cannot get code-server
// fails the run; elsewhere the caller marks the tests pending with the returned reason.
export function setUpMachine(): { env?: E2EEnv; reason?: string } {
  const r = spawnSync('bash', [join(ROOT, 'test', 'e2e', 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const log = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) {
    const reason = log.split('\n').filter((l) => l.includes('FAILED')).join(' ') || log.slice(-2000);
    if (process.env.CI) throw new Error(`e2e set-up failed in CI: ${reason}`);
    return { reason: `code-server not available: ${reason}` };
  }
  const cache = process.env.HEAPSTEP_E2E_CACHE ?? join(homedir(), '.cache', 'heapstep-e2e');
  return { env: JSON.parse(readFileSync(join(cache, 'env.json'), 'utf8')) };
}

// `npm run package` when the project has it, else vsce directly with the same outcome: one
// heapstep.vsix at the root, built from what `npm run build` left in dist/.
export function packageExtension(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = join(ROOT, 'heapstep.vsix');
  const args = pkg.scripts?.package ? ['npm', ['run', '--silent', 'package']] as const
    : ['node', [join(ROOT, 'test', 'e2e', 'package-vsix.mjs'), vsix]] as const;
  const r = spawnSync(args[0], [...args[1]], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !existsSync(vsix)) throw new Error(`packaging failed (${args[0]} ${args[1].join(' ')}):\n${r.stdout}${r.stderr}`);
  return vsix;
}

export function bundleExtensionTests(): string {
  const r = spawnSync('node', [join(ROOT, 'test', 'extension', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling test/extension failed:\n${r.stdout}${r.stderr}`);
  return join(ROOT, 'out', 'test');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

const SETTINGS = {
  'chat.disableAIFeatures': true,          // else a Chat panel opens and an agent process starts
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': 'off',
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'debug.openDebug': 'openOnDebugBreak',
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',   // an empty Chat side bar otherwise
  'workbench.editor.languageDetection': false,   // its worker cannot load under code-server and fills the log
};

export class CodeServer {
  readonly run: string;
  port = 0;
  private proc?: ChildProcess;
  private log: string[] = [];
  private readonly onExit = () => this.stop();
  // An interrupted run (Ctrl+C, a CI timeout) never reaches mocha's after hooks or 'exit'.
  private readonly onSignal = (sig: NodeJS.Signals) => { this.stop(); process.kill(process.pid, sig); };

  constructor(readonly env: E2EEnv) {
    mkdirSync(join(tmpdir(), 'heapstep-e2e'), { recursive: true });
    this.run = spawnSync('mktemp', ['-d', join(tmpdir(), 'heapstep-e2e', 'run-XXXXXX')], { encoding: 'utf8' }).stdout.trim();
    mkdirSync(join(this.run, 'user-data', 'User'), { recursive: true });
    writeFileSync(join(this.run, 'user-data', 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 1));
  }

  private cmdEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATH: `${dirname(this.env.node24)}:${process.env.PATH}`,   // code-server runs only on Node 24
      XDG_CONFIG_HOME: join(this.run, 'xdg'), XDG_DATA_HOME: join(this.run, 'xdg'),
      ...extra,
    };
  }

  private dirs(): string[] {
    return ['--user-data-dir', join(this.run, 'user-data'), '--extensions-dir', join(this.run, 'extensions')];
  }

  install(vsix: string): string {
    const r = spawnSync(this.env.codeServer, [...this.dirs(), '--install-extension', vsix, '--force'],
      { env: this.cmdEnv(), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed:\n${r.stdout}${r.stderr}`);
    const dir = readdirSync(join(this.run, 'extensions')).find((d) => d.startsWith('heapstep.heapstep-'));
    if (!dir) throw new Error(`the .vsix installed no heapstep.heapstep-* directory:\n${r.stdout}${r.stderr}`);
    return join(this.run, 'extensions', dir);
  }

  // A fresh copy of examples/ for the window to open, so nothing a test does reaches the clone.
  workspace(name: string): string {
    const ws = join(this.run, name);
    cpSync(join(ROOT, 'examples'), ws, { recursive: true });
    return ws;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.port = await freePort();
    // detached: its own process group, so stop() also ends the extension hosts it forks.
    this.proc = spawn(this.env.codeServer, [
      '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', ...this.dirs(),
      '--vscode-option', 'enable-smoke-test-driver',
    ], { env: this.cmdEnv(extraEnv), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    const proc = this.proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${this.log.join('')}`)), 60_000);
      const onData = (d: Buffer) => {
        this.log.push(d.toString());
        if (/HTTP server listening on/.test(d.toString())) { clearTimeout(timer); resolve(); }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited (${code}):\n${this.log.join('')}`)); });
    });
    const health = await fetch(`http://127.0.0.1:${this.port}/healthz`);
    if (!health.ok) throw new Error(`code-server /healthz answered ${health.status}`);
  }

  url(folder: string, payload?: [string, string][]): string {
    let u = `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
    if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return u;
  }

  remote(path: string): string { return `vscode-remote://127.0.0.1:${this.port}${path}`; }

  stop(): void {
    process.removeListener('exit', this.onExit);
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    const pid = this.proc?.pid;
    if (pid && this.proc!.exitCode === null) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    if (this.log.length) { mkdirSync(RESULTS, { recursive: true }); writeFileSync(join(RESULTS, 'code-server.log'), this.log.join('')); }
    this.proc = undefined;
  }
}

export async function launchBrowser(profile: string): Promise<BrowserContext> {
  // The background-networking flags keep Chromium from flooding the closed network.
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Webviews are cross-origin iframes: find the one whose page has `selector`, rechecking as
// frames load rather than at fixed intervals.
export async function webviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector} within ${timeout / 1000} s`);
    await Promise.race([
      page.waitForEvent('frameattached', { timeout: 1000 }).catch(() => {}),
      page.waitForEvent('framenavigated', { timeout: 1000 }).catch(() => {}),
    ]);
  }
}

// A code-server with the packaged extension and a Chromium on it, as every e2e suite starts
// one in its `before` (null: this machine cannot run them, and the suite is skipped).
export interface Workbench { cs: CodeServer; browser: BrowserContext; extensionDir: string }

export async function startWorkbench(ctx: Mocha.Context, opts: { env?: (cs: CodeServer) => Record<string, string>; withTests?: boolean } = {}): Promise<Workbench | null> {
  const { env, reason } = setUpMachine();
  if (!env) {
    console.log(`    pending: ${reason}`);
    ctx.skip();
    return null;
  }
  freshResults();
  const vsix = packageExtension();
  if (opts.withTests) bundleExtensionTests();
  const cs = new CodeServer(env);
  const extensionDir = cs.install(vsix);
  await cs.start(opts.env?.(cs));
  const browser = await launchBrowser(join(cs.run, 'chromium'));
  return { cs, browser, extensionDir };
}

// A workbench page on `workspace`, shown once the explorer lists it; the page's console goes
// to test-results/e2e/<log> when the page closes.
export async function openWorkbenchPage(wb: Workbench, workspace: string, opts: { log?: string; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const page = await wb.browser.newPage();
  page.setDefaultTimeout(60_000);   // two cores shared with other test suites
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  if (opts.log) {
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.on('close', () => { mkdirSync(RESULTS, { recursive: true }); writeFileSync(join(RESULTS, opts.log!), log.join('\n')); });
  }
  await page.goto(wb.cs.url(wb.cs.workspace(workspace)));
  await page.locator('.monaco-workbench .explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return page;
}

export async function stopWorkbench(wb: Workbench | null | undefined): Promise<void> {
  if (!wb) return;
  try { await wb.browser.close(); } catch { /* the browser may already be gone */ }
  wb.cs.stop();
  // the killed server's last writes may still land; a leftover temp dir is no test failure
  if (!process.env.HEAPSTEP_E2E_KEEP) {
    try { rmSync(wb.cs.run, { recursive: true, force: true, maxRetries: 3 }); } catch { /* see above */ }
  }
}

// The page as it was when a test failed, for test-results/e2e/.
export async function screenshotFailure(ctx: Mocha.Context, page: Page | undefined, dir: string, prefix = ''): Promise<void> {
  if (ctx.currentTest?.state !== 'failed' || !page || page.isClosed()) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${prefix}failed-${ctx.currentTest.title.replace(/\W+/g, '-')}.png`) });
}
