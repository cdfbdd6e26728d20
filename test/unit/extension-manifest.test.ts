// package.json's contributions agree with the code: commands with the ids the extension
// registers, launch attributes with launch-args.ts's fields (and values it accepts), snippets
// that the front end accepts once their placeholders take their defaults.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { Commands, DEBUG_TYPE, EXAMPLE_SCHEME, LANGUAGE_ID } from '../../src/extension/ids';
import { launchOverrides, type LaunchArgs } from '../../src/debug/launch-args';
import { checkText } from '../../src/extension/check-text';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const contributes = pkg.contributes;

interface CommandContribution { command: string; title?: string; category?: string }
interface Snippet { prefix: string | string[]; body: string | string[]; description?: string }

// A snippet as the user gets it after pressing Tab through it: each placeholder's default,
// each choice's first option, nothing for bare tab stops.
function expandSnippet(body: string | string[]): string {
  const text = Array.isArray(body) ? body.join('\n') : body;
  let prev;
  let out = text;
  do {
    prev = out;
    out = out
      .replace(/\$\{\d+\|([^,|}]*)[^|}]*\|\}/g, '$1')
      .replace(/\$\{\d+:([^${}]*)\}/g, '$1')
      .replace(/\$\{\d+\}|\$\d+/g, '');
  } while (out !== prev);
  return out.replace(/\\\$/g, '$');
}

function launchArgFields(): string[] {
  const src = readFileSync('src/debug/launch-args.ts', 'utf8');
  const body = /interface LaunchArgs[^{]*\{([\s\S]*?)\n\}/.exec(src)?.[1];
  assert.ok(body, 'no LaunchArgs interface in launch-args.ts');
  return [...body.matchAll(/^\s*(\w+)\??\s*:/gm)].map((m) => m[1]);
}

describe('package.json contributions', () => {
  it('declares every command the extension registers, each with a title and the HeapStep category', () => {
    const cmds: CommandContribution[] = contributes.commands;
    assert.deepEqual(cmds.map((c) => c.command).sort(), Object.values(Commands).sort());
    for (const c of cmds) {
      assert.ok(c.title && c.title.trim(), `${c.command} has no title`);
      assert.equal(c.category, 'HeapStep', `${c.command} has no HeapStep category`);
    }
  });

  it('menus name only declared commands, and the editor title has Run and Debug for .heap files', () => {
    const declared = new Set(contributes.commands.map((c: CommandContribution) => c.command));
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, { command: string; when?: string }[]>)) {
      for (const i of items) assert.ok(declared.has(i.command), `${menu} names undeclared ${i.command}`);
    }
    const run = contributes.menus['editor/title/run'];
    assert.deepEqual(run.map((i: { command: string }) => i.command).sort(), [Commands.debugScenario, Commands.runScenario].sort());
    for (const i of run) assert.match(i.when, new RegExp(`resourceLangId == ${LANGUAGE_ID}`));
  });

  it('activates on the debugger, the language and each command', () => {
    const ev: string[] = pkg.activationEvents;
    for (const e of [`onDebugResolve:${DEBUG_TYPE}`, `onLanguage:${LANGUAGE_ID}`, ...Object.values(Commands).map((c) => `onCommand:${c}`)]) {
      assert.ok(ev.includes(e), `missing activation event ${e}`);
    }
  });

  it('points main and browser at the bundles build.mjs writes, and runs in untrusted and virtual workspaces', () => {
    const build = readFileSync('build.mjs', 'utf8');
    for (const entry of [pkg.main, pkg.browser]) assert.ok(build.includes(entry.replace(/^\.\//, '')), `build.mjs does not write ${entry}`);
    // limited: only the command that runs gcc and a host binary needs trust, and says so
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /Compare with Your Machine/);
    const trusted = pkg.contributes.commands.filter((c: { enablement?: string }) => /isWorkspaceTrusted/.test(c.enablement ?? '')).map((c: { command: string }) => c.command);
    assert.deepEqual(trusted, [Commands.compareWithHost]);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
  });

  it('describes exactly the launch arguments launch-args.ts reads, and launchOverrides accepts each listed value', () => {
    const dbg = contributes.debuggers.find((d: { type: string }) => d.type === DEBUG_TYPE);
    assert.ok(dbg, 'no heapstep debugger');
    assert.deepEqual(dbg.languages, [LANGUAGE_ID]);
    const props: Record<string, { description?: string; enum?: unknown[] }> = dbg.configurationAttributes.launch.properties;
    assert.deepEqual(Object.keys(props).sort(), launchArgFields().sort());
    for (const [name, p] of Object.entries(props)) {
      assert.ok(p.description && p.description.length > 10, `${name} has no description`);
      for (const v of p.enum ?? []) assert.doesNotThrow(() => launchOverrides({ program: 'x.heap', [name]: v } as LaunchArgs), `${name}: ${String(v)}`);
    }
    for (const c of [...dbg.initialConfigurations, ...dbg.configurationSnippets.map((s: { body: object }) => s.body)]) {
      assert.equal(c.type, DEBUG_TYPE);
      assert.equal(c.request, 'launch');
      for (const k of Object.keys(c)) assert.ok(k in props || ['type', 'request', 'name'].includes(k), `unknown attribute ${k}`);
    }
  });

  it('sets breakpoints, a grammar and a language configuration for the language', () => {
    assert.deepEqual(contributes.breakpoints, [{ language: LANGUAGE_ID }]);
    const g = contributes.grammars.find((x: { language: string }) => x.language === LANGUAGE_ID);
    assert.equal(JSON.parse(readFileSync(g.path, 'utf8')).scopeName, g.scopeName);
    const lang = contributes.languages.find((l: { id: string }) => l.id === LANGUAGE_ID);
    const conf = JSON.parse(readFileSync(lang.configuration, 'utf8'));
    assert.deepEqual(conf.comments, { lineComment: '//', blockComment: ['/*', '*/'] });
    assert.ok(conf.folding, 'no folding rules');
    assert.notEqual(EXAMPLE_SCHEME, 'file');
    // VS Code would otherwise ask where to save an untitled scenario before debugging it
    assert.equal(contributes.configurationDefaults[`[${LANGUAGE_ID}]`]['debug.saveBeforeStart'], 'nonUntitledEditorsInActiveGroup');
  });

  it('has snippets that the front end accepts once their placeholders take their defaults', () => {
    assert.equal(expandSnippet(['#pragma arch ${1|x86_64,i386|}', 'char *${2:p} = malloc(${3:24}); free(${2:p});$0']), '#pragma arch x86_64\nchar *p = malloc(24); free(p);');
    const files = contributes.snippets.filter((s: { language: string }) => s.language === LANGUAGE_ID);
    assert.ok(files.length > 0);
    const names: string[] = [];
    for (const f of files) {
      assert.ok(existsSync(f.path), f.path);
      for (const [name, s] of Object.entries(JSON.parse(readFileSync(f.path, 'utf8')) as Record<string, Snippet>)) {
        names.push(name);
        const text = expandSnippet(s.body);
        const errors = checkText(text, `${name}.heap`).filter((d) => d.severity === 'error');
        assert.deepEqual(errors.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`), [], `snippet "${name}":\n${text}`);
      }
    }
    for (const p of ['arch', 'glibc', 'ram', 'swap', 'overcommit', 'aslr', 'seed', 'stdio_buffers']) {
      assert.ok(names.includes(`#pragma ${p}`), `no snippet for #pragma ${p}`);
    }
  });
});
