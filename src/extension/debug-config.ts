// F5 without a launch.json debugs the .heap file in the active editor; a launch.json gets a
// starting configuration. `${file}` names no file for untitled or virtual documents, so the
// document's URI takes its place there.
import * as vscode from 'vscode';
import { programOf } from './files';
import { DEBUG_TYPE, LANGUAGE_ID } from './ids';

export const INITIAL_CONFIGURATION: vscode.DebugConfiguration = {
  type: DEBUG_TYPE, request: 'launch', name: 'Debug scenario', program: '${file}', stopOnEntry: false,
};

function activeScenario(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === LANGUAGE_ID ? doc : undefined;
}

export const debugConfigurationProvider: vscode.DebugConfigurationProvider = {
  provideDebugConfigurations: () => [INITIAL_CONFIGURATION],

  resolveDebugConfiguration(_folder, config) {
    if (!config.type && !config.request && !config.name) {
      if (!activeScenario()) return config;   // not ours: VS Code offers its own choice
      Object.assign(config, INITIAL_CONFIGURATION, { name: 'Debug scenario (active file)' });
    }
    if (!config.program) config.program = '${file}';
    return config;
  },

  resolveDebugConfigurationWithSubstitutedVariables(folder, config) {
    const doc = activeScenario();
    if (doc && doc.uri.scheme !== 'file' && (config.program === doc.uri.fsPath || config.program === doc.fileName)) {
      config.program = programOf(doc.uri);
    } else if (folder && folder.uri.scheme !== 'file' && typeof config.program === 'string' && config.program.startsWith('/')) {
      // `${workspaceFolder}/x.heap` in a virtual workspace: the path lives in the folder's file system
      config.program = folder.uri.with({ path: config.program }).toString();
    }
    if (!config.program) {
      void vscode.window.showErrorMessage('HeapStep: open a .heap scenario, or set "program" in launch.json.');
      return undefined;   // abort the launch
    }
    return config;
  },
};

// The Run and Debug view's drop-down offers the scenario in the active editor.
const dynamicProvider: vscode.DebugConfigurationProvider = {
  provideDebugConfigurations() {
    const doc = activeScenario();
    if (!doc) return [];
    return [{ ...INITIAL_CONFIGURATION, name: `Debug ${doc.uri.path.split('/').pop()}`, program: programOf(doc.uri) }];
  },
};

export function registerDebugConfigurations(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, debugConfigurationProvider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, dynamicProvider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
}
