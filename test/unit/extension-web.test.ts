// The web bundle (dist/web/extension.js) in a context with only what a browser's web worker has:
// no require but `vscode`, no process, no Buffer. It activates, and its inline debug session
// runs a scenario from an open document to the end.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';

const BUNDLE = 'dist/web/extension.js';

interface Msg { type: string; command?: string; event?: string; body?: any; success?: boolean; message?: string }

function fakeVscode(docs: { uri: string; text: string }[]) {
  const factories: Record<string, any> = {};
  const commands: string[] = [];
  const d = { dispose() {} };
  class Any { args: unknown[]; constructor(...a: unknown[]) { this.args = a; } }
  class EventEmitter { private fns: ((x: unknown) => void)[] = []; event = (f: (x: unknown) => void) => { this.fns.push(f); return d; }; fire(x: unknown) { for (const f of this.fns) f(x); } dispose() { this.fns = []; } }
  const uri = (s: string) => ({ toString: () => s, scheme: s.split(':')[0], path: s.replace(/^[^:]*:/, ''), fsPath: s });
  // any other registration or event of a namespace (the views') is a no-op with a disposable
  const ns = <T extends object>(o: T): T => new Proxy(o, { get: (t: any, k) => (k in t ? t[k] : () => d) });
  const vscode = {
    commands: ns({ registerCommand: (id: string) => { commands.push(id); return d; } }),
    window: ns({ createOutputChannel: () => ({ appendLine() {}, append() {}, show() {}, dispose() {} }) }),
    workspace: ns({
      textDocuments: docs.map((x) => ({ uri: uri(x.uri), getText: () => x.text, languageId: 'heapstep' })),
      onDidOpenTextDocument: () => d, onDidChangeTextDocument: () => d, onDidCloseTextDocument: () => d,
      registerTextDocumentContentProvider: () => d, fs: {},
    }),
    languages: ns({ createDiagnosticCollection: () => ({ set() {}, delete() {}, dispose() {} }), registerHoverProvider: () => d, registerInlineValuesProvider: () => d }),
    debug: ns({
      registerDebugAdapterDescriptorFactory: (type: string, f: unknown) => { factories[type] = f; return d; },
      registerDebugConfigurationProvider: () => d, registerDebugAdapterTrackerFactory: () => d, onDidTerminateDebugSession: () => d,
    }),
    Uri: { joinPath: () => uri('ext:/examples'), file: (p: string) => uri('file://' + p), parse: uri },
    EventEmitter, CodeLens: Any, ThemeIcon: Any, Range: Any, Position: Any, Diagnostic: Any, Hover: Any, MarkdownString: Any, InlineValueText: Any,
    DebugAdapterInlineImplementation: Any, DebugConfigurationProviderTriggerKind: { Initial: 1, Dynamic: 2 }, DiagnosticSeverity: { Error: 0, Warning: 1 }, ProgressLocation: { Window: 10 }, FileType: { Directory: 2 },
  };
  return { vscode, factories, commands };
}

describe('extension: the web bundle', function () {
  this.timeout(60_000);
  before(() => { if (!existsSync(BUNDLE)) execFileSync('node', ['build.mjs'], { stdio: 'inherit' }); });

  it('activates and debugs a scenario with no Node API at hand', async () => {
    const program = 'untitled:Untitled-1';
    const { vscode, factories, commands } = fakeVscode([{ uri: program, text: 'char *p = malloc(24);\nprintf("hello %d\\n", 6 * 7);\nfree(p);\n' }]);
    const ctx = vm.createContext({ console, performance, setTimeout, clearTimeout, queueMicrotask, TextDecoder, TextEncoder, URL, atob, btoa });
    const wrapper = vm.runInContext(`(function (module, exports, require) {${readFileSync(BUNDLE, 'utf8')}\n})`, ctx, { filename: BUNDLE });
    const mod = { exports: {} as any };
    wrapper(mod, mod.exports, (id: string) => { if (id === 'vscode') return vscode; throw new Error(`the web bundle asks for '${id}'`); });

    const api = mod.exports.activate({ subscriptions: [], extensionUri: vscode.Uri.parse('ext:/') });
    assert.equal(typeof api.activationMs, 'number');
    for (const c of ['heapstep.runScenario', 'heapstep.debugScenario', 'heapstep.exportState', 'heapstep.openExample']) assert.ok(commands.includes(c), c);

    const descriptor = await factories.heapstep.createDebugAdapterDescriptor({});
    const session = descriptor.args[0];
    const seen: Msg[] = [];
    let wake = () => {};
    session.onDidSendMessage((m: Msg) => { seen.push(m); wake(); });
    const until = async (pred: (m: Msg) => boolean): Promise<Msg> => {
      for (;;) {
        const m = seen.find(pred);
        if (m) return m;
        await new Promise<void>((r) => { wake = r; });
      }
    };
    let seq = 1;
    const send = (command: string, args: object = {}) => session.handleMessage({ seq: seq++, type: 'request', command, arguments: args });
    send('initialize', { adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await until((m) => m.command === 'initialize');
    send('launch', { program });
    await until((m) => m.event === 'initialized');
    send('setBreakpoints', { source: { path: program }, breakpoints: [{ line: 2 }] });
    send('configurationDone');
    await until((m) => m.event === 'stopped');
    send('evaluate', { expression: 'p', frameId: 0, context: 'watch' });
    const p = (await until((m) => m.command === 'evaluate')).body.result.match(/^0x[0-9a-f]+/)[0];
    // the size field at p - 8, through base64 both ways (Buffer is the web build's own)
    send('readMemory', { memoryReference: p, offset: -8, count: 8 });
    const read = await until((m) => m.command === 'readMemory');
    assert.equal(read.body.data, 'IQAAAAAAAAA=');   // 0x21: chunk 0x20, PREV_INUSE
    send('writeMemory', { memoryReference: p, data: 'aGk=' });   // "hi"
    assert.equal((await until((m) => m.command === 'writeMemory')).body.bytesWritten, 2);
    send('continue', { threadId: 1 });
    const out = await until((m) => m.event === 'output' && /hello 42/.test(m.body?.output ?? ''));
    assert.ok(out);
    const exited = await until((m) => m.event === 'exited');
    assert.equal(exited.body.exitCode, 0);
    assert.deepEqual(seen.filter((m) => m.type === 'response' && !m.success).map((m) => `${m.command}: ${m.message}`), []);
  });
});
