// "Open its memory" for a chunk: VS Code's binary view of the debuggee's memory when the Hex
// Editor is installed (the same editor the Variables view's "View Binary Data" opens), else a
// read-only hex dump of the chunk read with the DAP readMemory request.
import * as vscode from 'vscode';

const SCHEME = 'heapstep-memory';
const MAX_DUMP = 64 * 1024;
const hex = (n: number): string => '0x' + n.toString(16);

export function registerMemoryDocuments(context: vscode.ExtensionContext): void {
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const q = new URLSearchParams(uri.query);
      const session = vscode.debug.activeDebugSession;
      if (!session || session.id !== q.get('session')) return 'The debug session that owned this memory has ended.\n';
      const addr = Number(q.get('addr')), size = Math.min(Number(q.get('size')), MAX_DUMP);
      const r = await session.customRequest('readMemory', { memoryReference: hex(addr), count: size }) as { data?: string; unreadableBytes?: number };
      return hexDump(addr, decodeBase64(r.data ?? ''), r.unreadableBytes ?? 0);
    },
  };
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider));
}

export async function revealChunk(session: vscode.DebugSession, addr: number, size: number): Promise<void> {
  if (vscode.extensions.getExtension('ms-vscode.hexeditor')) {
    const uri = vscode.Uri.from({
      scheme: 'vscode-debug-memory', authority: session.id, path: `/${encodeURIComponent(hex(addr))}/memory.bin`,
      query: `?range=0:${size}`,
    });
    await vscode.commands.executeCommand('vscode.openWith', uri, 'hexEditor.hexedit', { preview: true });
    return;
  }
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/chunk ${hex(addr)}.txt`, query: new URLSearchParams({ session: session.id, addr: String(addr), size: String(size) }).toString() });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function hexDump(addr: number, b: Uint8Array, unreadable: number): string {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    const hx = [...row].map((x) => x.toString(16).padStart(2, '0')).join(' ').padEnd(47);
    const asc = [...row].map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${(addr + o).toString(16).padStart(12, '0')}  ${hx}  ${asc}`);
  }
  if (unreadable) lines.push(`(${unreadable} more bytes are not resident: never touched, or swapped out)`);
  return lines.join('\n') + '\n';
}
