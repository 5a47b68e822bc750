import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// `npm run dev -w web` serves the console with hot reload and sends API calls to `ordo serve` on :3000.
const api = process.env.ORDO_API_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/v1': api, '/openapi.json': api } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
})
