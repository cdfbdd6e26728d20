// The comparison with the host needs Node (it runs gcc). The web build defines process.platform
// as the constant "browser", so esbuild drops this require from dist/web/extension.js; the
// desktop core bundle (dist/core.js) carries ./node.
import type * as HostCompare from './node';

export function hostCompare(): typeof HostCompare | null {
  if ((process.platform as string) !== 'browser') return require('./node') as typeof HostCompare;
  return null;
}
