import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { connect } from '../src/db/connection.js'

const run = promisify(execFile)

async function ordo(dbFile: string, args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}`, ...env } })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('ordo users', () => {
  const db = join(mkdtempSync(join(process.cwd(), '.tmp', 'cli-users-')), 'ordo.db')

  it('creates users who can then sign in, lists them without secrets, and disables them', async () => {
    const created = await ordo(db, ['users', 'create', '--role', 'admin', '--email', 'Ops.Lead@example.com', '--password', 'first secret', '--name', 'Olga'])
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('ops.lead@example.com')
    expect((await ordo(db, ['users', 'create', '--role', 'warehouse', '--email', 'picker@example.com'], { ORDO_USER_PASSWORD: 'from the env' })).code).toBe(0)
    // No password, no terminal to ask in: a clear refusal, nothing created.
    const missing = await ordo(db, ['users', 'create', '--role', 'ops', '--email', 'x@example.com'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no password')
    const short = await ordo(db, ['users', 'create', '--role', 'ops', '--email', 'y@example.com', '--password', 'short'])
    expect(short.stderr).toContain('password: at least 8 characters')

    const list = await ordo(db, ['users', 'list', '--json'])
    expect(JSON.parse(list.stdout)).toMatchObject([
      { email: 'ops.lead@example.com', name: 'Olga', role: 'admin', active: true },
      { email: 'picker@example.com', role: 'warehouse', active: true },
    ])
    expect(list.stdout).not.toMatch(/scrypt|secret/)

    const conn = connect({ dialect: 'sqlite', file: db })
    const app = await buildApp({ conn, logger: false })
    const signIn = (email: string, password: string) => app.inject({ method: 'POST', url: '/v1/session', payload: { email, password } })
    try {
      expect((await signIn('ops.lead@example.com', 'first secret')).statusCode).toBe(200)
      expect((await signIn('picker@example.com', 'from the env')).statusCode).toBe(200)
      expect((await ordo(db, ['users', 'disable', 'picker@example.com'])).stdout).toContain('disabled picker@example.com')
      expect((await signIn('picker@example.com', 'from the env')).statusCode).toBe(401)
      // The last admin stays.
      const last = await ordo(db, ['users', 'disable', 'ops.lead@example.com'])
      expect(last.code).toBe(1)
      expect(last.stderr).toContain('last active admin')
    } finally {
      await app.close()
      await conn.close()
    }
  })
})
