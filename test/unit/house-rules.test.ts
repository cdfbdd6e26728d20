// The emulator core runs anywhere JS runs (CLI, debug adapter, a browser): src/machine and
// src/lang may import each other and nothing from VS Code or Node.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

describe('house rules', () => {
  it('src/machine and src/lang import no vscode and no Node module', () => {
    const bad: string[] = [];
    for (const root of ['src/machine', 'src/lang']) {
      for (const f of files(root)) {
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
          const spec = m[1] ?? m[2] ?? m[3];
          if (!spec.startsWith('.')) bad.push(`${f}: ${spec}`);
        }
        if (/\bBuffer\.|\bprocess\.(env|argv|stdout|exit)/.test(text)) bad.push(`${f}: uses a Node global`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('relative imports of src/machine and src/lang stay inside src/machine and src/lang', () => {
    const bad: string[] = [];
    for (const root of ['src/machine', 'src/lang']) {
      for (const f of files(root)) {
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)) {
          const target = join(f, '..', m[1]);
          if (!target.startsWith('src/machine') && !target.startsWith('src/lang')) bad.push(`${f}: ${m[1]}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });
});
