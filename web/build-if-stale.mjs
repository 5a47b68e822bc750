// Builds the console (vite → web/dist) when it is missing or older than its sources, so
// `npm start` and `npm run test:e2e` always serve the console as the sources are.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = fileURLToPath(new URL('.', import.meta.url))
const built = (() => {
  try {
    return statSync(join(web, 'dist', 'index.html')).mtimeMs
  } catch {
    return 0
  }
})()

function newest(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}
const sources = Math.max(...['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => newest(join(web, f))))

if (sources > built) {
  console.log(built ? 'console: sources changed, rebuilding web/dist…' : 'console: building web/dist (first start)…')
  const { build } = await import('vite')
  await build({ root: web, logLevel: 'warn' })
}
