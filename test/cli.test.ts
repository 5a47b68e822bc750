import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

/** Runs the real `ordo` command (from the sources) against its own SQLite file. */
async function ordo(dbFile: string, ...args: string[]) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` } })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('ordo CLI', () => {
  const db = join(mkdtempSync(join(process.cwd(), '.tmp', 'cli-')), 'ordo.db')

  it('migrates, creates a key (printed as the last line), lists and revokes it, and checks the invariants', async () => {
    expect((await ordo(db, 'migrate')).stdout).toMatch(/applied \d+ migration/)
    expect((await ordo(db, 'migrate')).stdout).toContain('up to date')

    const created = await ordo(db, 'keys', 'create', '--role', 'ops', '--name', 'shop-sync')
    expect(created.code).toBe(0)
    const key = created.stdout.trim().split('\n').at(-1)!
    expect(key).toMatch(/^ordo_[\w-]{20,}$/)

    const bad = await ordo(db, 'keys', 'create', '--role', 'channel', '--name', 'x')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('must be bound to a channel')

    const list = JSON.parse((await ordo(db, 'keys', 'list', '--json')).stdout)
    expect(list).toMatchObject([{ name: 'shop-sync', role: 'ops', revokedAt: null }])
    expect(JSON.stringify(list)).not.toContain(key)
    expect((await ordo(db, 'keys', 'revoke', list[0].id)).stdout).toContain('revoked')

    const check = await ordo(db, 'check')
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/^ok:/)
  })

  it('exits non-zero when a stock row disagrees with its ledger', async () => {
    const raw = new Database(db)
    raw.prepare("insert into products (id, sku, name, price_amount, price_currency, created_at, updated_at) values ('prd_x', 'X', 'X', 100, 'EUR', 'now', 'now')").run()
    raw.prepare("insert into locations (id, code, name, type, address, created_at, updated_at) values ('loc_x', 'L', 'L', 'warehouse', '{}', 'now', 'now')").run()
    raw.prepare("insert into stock_levels (id, product_id, location_id, on_hand, reserved, updated_at) values ('stk_x', 'prd_x', 'loc_x', 5, 0, 'now')").run()
    raw.close()
    const check = await ordo(db, 'check')
    expect(check.code).toBe(1)
    expect(check.stderr).toContain('ledger sums to 0/0')
  })

  it('has --help for every command', async () => {
    for (const cmd of [[], ['serve'], ['migrate'], ['seed'], ['keys'], ['keys', 'create'], ['check']]) {
      const r = await ordo(db, ...cmd, '--help')
      expect(r.code, cmd.join(' ')).toBe(0)
      expect(r.stdout).toContain('Usage: ordo')
    }
  })
})
