// The webview bundles: one IIFE per view plus the shared stylesheet. Shared by build.mjs and
// the webview tests, so the tests load exactly what the extension ships.
export const MEDIA_VIEWS = ['heapmap', 'bins', 'addrspace', 'pagewalk', 'timeline', 'explain'];

export function mediaBuildOptions(outdir) {
  return {
    entryPoints: [...MEDIA_VIEWS.map((v) => `media/${v}.ts`), 'media/views.css', 'media/heapstep.svg'],
    loader: { '.svg': 'copy' },   // the panel's icon, shipped from dist/media like the rest
    outdir, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: false,
    sourcemap: false, logLevel: 'warning',
  };
}
