// Read-only sources the adapter writes itself (the listing of glibc's path through a call),
// served by the `source` request under a sourceReference. The last few stay available, so a
// tab the editor reopens still has its text.
import type { DebugProtocol } from '@vscode/debugprotocol';

const KEEP = 32;

export class GeneratedSources {
  private readonly byRef = new Map<number, { key: string; name: string; content: string }>();
  private readonly byKey = new Map<string, number>();
  private next = 1;

  // The reference of the text under `key`, registering it on first use.
  reference(key: string, name: string, content: () => string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const ref = this.next++;
    this.byRef.set(ref, { key, name, content: content() });
    this.byKey.set(key, ref);
    if (this.byRef.size > KEEP) {
      const [oldest, e] = this.byRef.entries().next().value as [number, { key: string }];
      this.byRef.delete(oldest);
      this.byKey.delete(e.key);
    }
    return ref;
  }

  source(name: string, ref: number): DebugProtocol.Source {
    return { name, sourceReference: ref, presentationHint: 'deemphasize', origin: 'glibc 2.36 malloc, as it ran' };
  }

  request(args: DebugProtocol.SourceArguments): DebugProtocol.SourceResponse['body'] {
    const ref = args.source?.sourceReference ?? args.sourceReference;
    const e = typeof ref === 'number' ? this.byRef.get(ref) : undefined;
    if (!e) {
      const what = args.source?.path ?? args.source?.name;
      throw new Error(what && !ref ? `source: ${what} is on disk; the adapter serves only the listings it generates` : `source: no generated source ${ref} (it belonged to an earlier stop)`);
    }
    return { content: e.content, mimeType: 'text/plain' };
  }
}
