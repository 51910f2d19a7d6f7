import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The API serves the built console on its own port; in development Vite serves it and forwards
// everything that belongs to the API, so the browser only ever talks to one origin.
const apiOrigin = 'http://127.0.0.1:3000';
const apiPaths = ['/v1', '/openapi.json', '/docs', '/health', '/ready'];

export default defineConfig({
  plugins: [react()],
  resolve: {
    // '@harbour/source' makes @harbour/shared resolve to its TypeScript source (no build needed).
    conditions: ['@harbour/source', ...defaultClientConditions],
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: apiOrigin, changeOrigin: false }])),
  },
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: false,
    // The server's CSP allows scripts from 'self' only: no inline scripts or data: URLs for assets.
    assetsInlineLimit: 0,
  },
});
