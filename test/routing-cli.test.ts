import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
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

describe('ordo geo import and ordo routing simulate', () => {
  const dir = mkdtempSync(join(process.cwd(), '.tmp', 'cli-routing-'))
  const db = join(dir, 'ordo.db')
  const file = (name: string, content: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  it('loads postal-code centroids from CSV, reporting the rows it skipped and why', async () => {
    const csv = file('plz.csv', ['Country;PLZ;Lat;Lon', 'DE;20095;53.55;10.0', 'DE;80331;48.137;11.575', 'XX;1;1;1', '', 'DE;10115;north;13.4', 'de;80331;48.14;11.58'].join('\n'))
    const r = await ordo(db, 'geo', 'import', csv, '--delimiter', ';')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`loaded 2 postal code centroid(s) from ${csv} (1 repeated code(s): the last row won); skipped 2 row(s)`)
    expect(r.stdout).toContain('line 4: unknown country "XX"')
    expect(r.stdout).toContain('line 6: latitude "north" is not a number from -90 to 90')
    const raw = new Database(db, { readonly: true })
    expect(raw.prepare('select country, postal_code, latitude from postal_centroids order by postal_code').all()).toEqual([
      { country: 'DE', postal_code: '20095', latitude: 53.55 },
      { country: 'DE', postal_code: '80331', latitude: 48.14 },
    ])
    raw.close()

    const bad = await ordo(db, 'geo', 'import', file('bad.csv', 'country,zip\nDE,20095'))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('has no latitude, longitude column')
  })

  it('simulates a policy against another over given orders and prints the comparison', async () => {
    const raw = new Database(db)
    const now = '2026-11-02T09:00:00.000Z'
    raw.prepare("insert into channels (id, code, name, type, created_at, updated_at) values ('ch_web', 'web', 'Web', 'web', ?, ?)").run(now, now)
    raw.prepare("insert into products (id, sku, name, weight_grams, price_amount, price_currency, created_at, updated_at) values ('prd_mug', 'MUG', 'Mug', 400, 899, 'EUR', ?, ?)").run(now, now)
    for (const [id, code, lat, lon] of [['loc_ham', 'HAM', 53.546, 9.966], ['loc_muc', 'MUC', 48.137, 11.575]] as const) {
      raw.prepare("insert into locations (id, code, name, type, address, latitude, longitude, created_at, updated_at) values (?, ?, ?, 'warehouse', '{\"country\":\"DE\"}', ?, ?, ?, ?)").run(id, code, code, lat, lon, now, now)
    }
    raw.prepare("insert into stock_levels (id, product_id, location_id, on_hand, reserved, updated_at) values ('stk_1', 'prd_mug', 'loc_muc', 1, 0, ?)").run(now)
    raw.close()

    // Two Hamburg customers (located by the centroid imported above), one mug in Munich.
    const orders = file('orders.json', [1, 2].map(() => ({ destination: { country: 'DE', postalCode: '20095' }, lines: [{ sku: 'MUG', quantity: 1 }] })))
    const nearest = file('nearest.json', { rankers: [{ code: 'distance', weight: 1 }] })
    const noMunich = file('no-munich.json', { rankers: [{ code: 'distance', weight: 1 }], excludedLocations: ['MUC'] })
    const json = await ordo(db, 'routing', 'simulate', '--orders', orders, '--channel', 'web', '--policy', nearest, '--compare', noMunich, '--json')
    expect(json.code, json.stderr).toBe(0)
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ source: 'inline', orders: 2 })
    expect(report.results.map((x: { label: string; fullyFillable: number }) => [x.label, x.fullyFillable])).toEqual([
      ['policy', 0.5],
      ['compare', 0],
    ])
    expect(report.results[0].meanDistanceKm).toBeCloseTo(612, -1)

    const table = await ordo(db, 'routing', 'simulate', '--orders', orders, '--channel', 'web', '--policy', nearest, '--compare', noMunich)
    expect(table.stdout).toContain('2 given order(s)')
    expect(table.stdout).toMatch(/fully fillable\s*│\s*'50\.0 %'\s*│\s*'0\.0 %'/)

    const invalid = await ordo(db, 'routing', 'simulate', '--orders', orders, '--policy', file('broken.json', { rankers: [] }))
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain('policy.rankers')
  })

  it('has --help for its commands', async () => {
    for (const cmd of [['geo', 'import'], ['routing', 'simulate']]) {
      const r = await ordo(db, ...cmd, '--help')
      expect(r.code, cmd.join(' ')).toBe(0)
      expect(r.stdout).toContain('Usage: ordo')
    }
  })
})
