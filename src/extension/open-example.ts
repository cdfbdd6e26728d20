// heapstep.openExample: pick one of the shipped examples/ and open an untitled copy to edit
// and run, or (the lock button) the example itself, read-only, under its own name.
import * as vscode from 'vscode';
import { Commands, EXAMPLE_SCHEME, LANGUAGE_ID } from './ids';

interface ExampleItem extends vscode.QuickPickItem { rel: string }

const READ_ONLY: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('lock'), tooltip: 'Open the example itself, read-only' };

async function listExamples(root: vscode.Uri, rel = ''): Promise<string[]> {
  const dir = rel ? vscode.Uri.joinPath(root, rel) : root;
  const out: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const r = rel ? `${rel}/${name}` : name;
    if (type & vscode.FileType.Directory) out.push(...await listExamples(root, r));
    else if (name.endsWith('.heap')) out.push(r);
  }
  return out.sort();
}

// The example's first comment line says what it shows (`// expect:` lines are for the tests).
function summary(text: string): string {
  for (const line of text.split('\n')) {
    const m = /^\s*\/\/\s*(.*\S)/.exec(line);
    if (m && !m[1].startsWith('expect:')) return m[1];
    if (!m && line.trim()) break;
  }
  return '';
}

export function exampleUri(rel: string): vscode.Uri {
  return vscode.Uri.from({ scheme: EXAMPLE_SCHEME, path: '/' + rel });
}

export async function openExample(root: vscode.Uri, rel: string, readOnly: boolean, column?: vscode.ViewColumn): Promise<vscode.TextDocument> {
  const doc = readOnly
    ? await vscode.workspace.openTextDocument(exampleUri(rel))
    : await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, rel))) });
  if (doc.languageId !== LANGUAGE_ID) await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
  await vscode.window.showTextDocument(doc, { preview: false, ...(column !== undefined ? { viewColumn: column } : {}) });
  return doc;
}

export function registerOpenExample(context: vscode.ExtensionContext): void {
  const root = vscode.Uri.joinPath(context.extensionUri, 'examples');
  // documents of a content provider are read-only in the editor
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: async (uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, uri.path.replace(/^\/+/, '')))),
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXAMPLE_SCHEME, provider),
    vscode.commands.registerCommand(Commands.openExample, async (rel?: unknown, readOnly?: unknown) => {
      // tests and other commands may name the example directly
      if (typeof rel === 'string') return openExample(root, rel, readOnly === true);
      const items: ExampleItem[] = await Promise.all((await listExamples(root)).map(async (r) => ({
        rel: r, label: r.replace(/\.heap$/, ''),
        detail: summary(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, r)))),
        buttons: [READ_ONLY],
      })));
      const pick = vscode.window.createQuickPick<ExampleItem>();
      pick.items = items;
      pick.placeholder = 'Open a copy of an example scenario (the lock opens the example itself, read-only)';
      pick.matchOnDetail = true;
      const chosen = await new Promise<{ rel: string; readOnly: boolean } | undefined>((resolve) => {
        pick.onDidAccept(() => resolve(pick.selectedItems[0] ? { rel: pick.selectedItems[0].rel, readOnly: false } : undefined));
        pick.onDidTriggerItemButton((e) => resolve({ rel: e.item.rel, readOnly: true }));
        pick.onDidHide(() => resolve(undefined));
        pick.show();
      });
      pick.dispose();
      return chosen ? openExample(root, chosen.rel, chosen.readOnly) : undefined;
    }),
  );
}
