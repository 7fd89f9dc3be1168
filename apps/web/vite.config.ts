import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The web UI is served by the hub (and the adapters' caseworker inbox) from dist/web; `npm run build` builds it.
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  resolve: { alias: { '@contracts': here('../../contracts/src') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: here('../../dist/web'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
