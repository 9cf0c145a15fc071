/**
 * The web app's build (`vite build` → dist/, which the nginx gateway serves at /) and its dev server
 * (`pnpm --filter @looklook/web dev`, doc/web.md): hot reload on :5173 while every api prefix, and the
 * WeChat sandbox's driving routes, go to the running gateway, as they do when nginx serves the build.
 */
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { discover } from '../scripts/registry.ts'

const gateway = process.env.LOOKLOOK_GATEWAY ?? 'http://127.0.0.1:8888'
// The prefixes nginx routes to an api (identity-api is only the verifier), from the process registry.
const prefixes = [
  ...discover()
    .filter((p) => p.kind === 'api' && p.domain !== 'identity')
    .map((p) => `/${p.domain}/`),
  '/sandbox/',
]

export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(prefixes.map((prefix) => [prefix, { target: gateway, changeOrigin: false }])),
  },
})
