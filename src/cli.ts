#!/usr/bin/env node
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import cliProgress from 'cli-progress'
import { Command, Option } from 'commander'
import { loadConfig, type Config } from './config.js'
import { connect } from './db/connection.js'
import { migrateToLatest } from './db/migrations.js'
import { inTransaction } from './db/transaction.js'
import { ROLES } from './kernel/auth.js'
import { systemClock } from './kernel/clock.js'
import { systemActor } from './kernel/context.js'
import { createServices } from './services.js'
import { serve } from './server.js'
import { runChecks } from './check.js'
import { createUserBody, USER_ROLES } from './modules/auth/index.js'
import { importCentroidFile, simulateBody, simulationTable } from './modules/routing/index.js'
import { existingOrders, formatSummary, seedDemo, type SeedSummary } from './seed/demo.js'

const program = new Command()
program
  .name('ordo')
  .description('Ordo order management system')
  .option('--database-url <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL; default sqlite:./data/ordo.db)')
  .showHelpAfterError()

const config = (): Config => loadConfig({ DATABASE_URL: program.opts().databaseUrl })

/** Runs a command against a migrated database and closes the connection after it. */
async function withDb<T>(fn: (c: ReturnType<typeof connect>, s: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const conn = connect(config().database)
  try {
    await migrateToLatest(conn.db)
    return await fn(conn, createServices({ clock: systemClock, apiKeyCacheSeconds: 0 }))
  } finally {
    await conn.close()
  }
}
const cliCtx = { actor: { ...systemActor, name: 'cli' }, clock: systemClock }

program
  .command('serve')
  .description('Run the HTTP API (migrates the database first)')
  .option('-p, --port <port>', 'port to listen on (env PORT, default 3000)')
  .option('--host <host>', 'address to bind (env HOST, default 127.0.0.1)')
  .option('-w, --workers <n>', 'API processes to run (node cluster)', '1')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)')
  .option('--demo', 'load the demo data first when the database is empty')
  .action(async (o) => {
    const cfg = loadConfig({ DATABASE_URL: program.opts().databaseUrl, PORT: o.port, HOST: o.host, LOG_LEVEL: o.logLevel })
    const workers = Number(o.workers)
    if (!Number.isInteger(workers) || workers < 1) program.error('--workers must be a positive integer')
    // Only the primary seeds: with --workers every worker runs this file again.
    if (o.demo && cluster.isPrimary) await withDb((conn, s) => seedDemoIfEmpty(conn, s))
    await serve(cfg, { workers })
  })

program
  .command('migrate')
  .description('Bring the database schema up to date')
  .action(async () => {
    const conn = connect(config().database)
    try {
      const ran = await migrateToLatest(conn.db)
      console.log(ran.length ? `applied ${ran.length} migration(s):\n  ${ran.join('\n  ')}` : 'database is up to date')
    } finally {
      await conn.close()
    }
  })

const keys = program.command('keys').description('Manage API keys')
keys
  .command('create')
  .description('Create an API key; its secret is printed once, as the last line')
  .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES as unknown as string[]).makeOptionMandatory())
  .requiredOption('--name <name>', 'who or what uses the key')
  .option('--channel <code>', 'bind a channel key to this channel (required for --role channel)')
  .action(async (o) => {
    const key = await withDb((conn, s) => inTransaction(conn.db, (trx) => s.auth.createKey(trx, cliCtx, { name: o.name, role: o.role, channel: o.channel })))
    console.log(`created key ${key.id} (${key.name}, role ${key.role}${key.channel ? `, channel ${key.channel}` : ''}); store it now, it is not shown again:`)
    console.log(key.key)
  })
keys
  .command('list')
  .description('List API keys (never their secrets)')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const list = await withDb((conn, s) => s.auth.listKeys(conn.db))
    if (o.json) return console.log(JSON.stringify(list, null, 2))
    if (!list.length) return console.log('no keys yet: ordo keys create --role admin --name me')
    console.table(list.map((k) => ({ id: k.id, prefix: k.prefix, name: k.name, role: k.role, channel: k.channel ?? '', created: k.createdAt, revoked: k.revokedAt ?? '' })))
  })
keys
  .command('revoke <idOrPrefix>')
  .description('Revoke a key by its id or prefix (takes effect within the key cache time, 5 s by default)')
  .action(async (id) => {
    const key = await withDb((conn, s) => inTransaction(conn.db, (trx) => s.auth.revokeKey(trx, cliCtx, id)))
    console.log(`revoked ${key.id} (${key.name}) at ${key.revokedAt}`)
  })

const users = program.command('users').description('Manage the people who sign in to the console')
users
  .command('create')
  .description('Create a console user (password from --password, env ORDO_USER_PASSWORD, or a prompt)')
  .addOption(new Option('--role <role>', 'what the user may do').choices(USER_ROLES).makeOptionMandatory())
  .requiredOption('--email <email>', 'the e-mail they sign in with')
  .option('--name <name>', 'their name')
  .option('--password <password>', 'at least 8 characters (visible in the shell history: prefer the env variable or the prompt)')
  .action(async (o) => {
    const password = o.password ?? process.env.ORDO_USER_PASSWORD ?? (await promptHidden(`password for ${o.email}: `))
    const body = createUserBody.safeParse({ email: o.email, name: o.name, role: o.role, password })
    if (!body.success) return program.error(`error: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    const user = await withDb((conn, s) => inTransaction(conn.db, (trx) => s.auth.createUser(trx, cliCtx, body.data)))
    console.log(`created user ${user.id} (${user.email}, role ${user.role}); they sign in at the console with this e-mail and password`)
  })
users
  .command('list')
  .description('List console users')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const list = await withDb(async (conn, s) => (await s.auth.listUsers(conn.db, { limit: 500 })).data)
    if (o.json) return console.log(JSON.stringify(list, null, 2))
    if (!list.length) return console.log('no users yet: ordo users create --role admin --email you@example.com')
    console.table(list.map((u) => ({ id: u.id, email: u.email, name: u.name ?? '', role: u.role, active: u.active, lastSignIn: u.lastSignInAt ?? '' })))
  })
users
  .command('disable <idOrEmail>')
  .description('Disable a user and end their sessions')
  .action(async (id) => {
    const user = await withDb((conn, s) => inTransaction(conn.db, (trx) => s.auth.updateUser(trx, cliCtx, id, { active: false })))
    console.log(`disabled ${user.email} (${user.id}); their sessions are ended`)
  })

/** Reads a line without echoing it (a password), from a terminal only. */
async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) program.error('error: no password: pass --password, set ORDO_USER_PASSWORD, or run in a terminal to be asked')
  process.stdout.write(question)
  process.stdin.setRawMode(true)
  process.stdin.resume()
  let text = ''
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.setRawMode(false)
          process.stdin.pause()
          process.stdin.off('data', onData)
          process.stdout.write('\n')
          return resolve(text)
        }
        if (ch === '\u0003') process.exit(130)
        text = ch === '\u007f' ? text.slice(0, -1) : text + ch
      }
    }
    process.stdin.on('data', onData)
  })
}

program
  .command('check')
  .description('Prove the invariants: stock rows equal their ledger and bins, every reservation belongs to an open order line')
  .option('--json', 'print the report as JSON')
  .action(async (o) => {
    const report = await withDb((conn, s) => runChecks(conn, s))
    if (o.json) console.log(JSON.stringify(report, null, 2))
    else if (report.ok) console.log(`ok: ${report.stockRows} stock rows match ${report.ledgerRows} ledger entries; every reservation belongs to an open order line`)
    else console.error(`${report.problems.length} problem(s):\n  ${report.problems.join('\n  ')}`)
    process.exitCode = report.ok ? 0 : 1
  })

program
  .command('seed')
  .description('Load a demo data set: warehouses with bins, products, customers, stock and a month of orders')
  .option('--demo', 'load the demo data set (required: the only data set so far)')
  .option('--orders <n>', 'how many orders', '300')
  .option('--seed <n>', 'random seed: the same seed gives the same data set', '42')
  .option('--force', 'load it even when the database already has orders')
  .action(async (o, cmd: Command) => {
    if (!o.demo) cmd.help({ error: true })
    const orders = Number(o.orders)
    const seed = Number(o.seed)
    if (!Number.isInteger(orders) || orders < 0) cmd.error('error: --orders must be a whole number, 0 or more')
    if (!Number.isInteger(seed)) cmd.error('error: --seed must be an integer')
    const summary = await withDb(async (conn, s) => {
      if (!o.force && (await existingOrders(conn.db, s)).any) {
        throw new Error('the database already has orders, so the demo data is not loaded on top of them; use an empty database, or --force to add it anyway')
      }
      console.log(`loading the demo data set (${orders} orders, seed ${seed})…`)
      return seedDemo(conn.db, s, { orders, seed })
    })
    printSeedSummary(summary)
  })

const geo = program.command('geo').description('Geographic reference data for order routing')
geo
  .command('import <file>')
  .description('Load postal-code centroids from a CSV file with a header row: country,postal_code,latitude,longitude (codes already loaded are updated)')
  .option('--delimiter <char>', 'field delimiter; \\t for tab', ',')
  .action(async (file: string, o) => {
    const bar = new cliProgress.SingleBar({ format: 'postal codes {bar} {percentage}% | {rows} rows', stream: process.stderr }, cliProgress.Presets.shades_classic)
    bar.start(1, 0, { rows: 0 })
    const r = await withDb((conn, s) =>
      importCentroidFile(conn.db, s.routing, cliCtx, file, {
        delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
        onProgress: (bytes, size, rows) => {
          bar.setTotal(size)
          bar.update(bytes, { rows })
        },
      }),
    ).finally(() => bar.stop())
    console.log(`loaded ${r.loaded} postal code centroid(s) from ${file}${r.duplicates ? ` (${r.duplicates} repeated code(s): the last row won)` : ''}; skipped ${r.skipped} row(s)`)
    for (const s of r.skips) console.log(`  line ${s.line}: ${s.reason}`)
    if (r.skipped > r.skips.length) console.log(`  … and ${r.skipped - r.skips.length} more`)
  })

const routing = program.command('routing').description('Order routing policies')
routing
  .command('simulate')
  .description('Run routing policies over past or given orders without reserving anything: fill rate, split rate, distance, estimated shipping cost')
  .option('--policy <file>', "policy JSON to try (default: the stored policy of each order's channel)")
  .option('--compare <file>', 'a second policy JSON, run over the same orders side by side')
  .option('--orders <file>', 'JSON array of orders [{destination: {country, postalCode?, …}, lines: [{sku, quantity}]}] instead of past ones')
  .option('--from <date>', 'past orders created from this date or time')
  .option('--to <date>', 'past orders created up to this date or time')
  .option('--channel <code>', 'channel of the past orders (or of the given ones)')
  .option('--limit <n>', 'at most this many past orders', '1000')
  .option('--json', 'print the report as JSON')
  .action(async (o) => {
    const json = (f?: string) => (f === undefined ? undefined : JSON.parse(readFileSync(f, 'utf8')))
    const parsed = simulateBody.safeParse({
      policy: json(o.policy),
      compare: json(o.compare),
      ...(o.orders ? { orders: json(o.orders), channel: o.channel } : { window: { createdFrom: o.from, createdTo: o.to, channel: o.channel, limit: Number(o.limit) } }),
    })
    if (!parsed.success) throw new Error(`invalid input:\n  ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('\n  ')}`)
    const input = parsed.data
    const report = await withDb((conn, s) => s.routing.simulate(conn.db, cliCtx, input))
    if (o.json) return console.log(JSON.stringify(report, null, 2))
    console.log(`${report.orders} ${report.source === 'inline' ? 'given' : 'past'} order(s), routed from the stock available now (nothing reserved):`)
    console.table(simulationTable(report))
  })

/** `serve --demo`: loads the demo data set into a database that has no orders yet. */
async function seedDemoIfEmpty(conn: ReturnType<typeof connect>, s: ReturnType<typeof createServices>) {
  if ((await existingOrders(conn.db, s)).any) {
    console.log('--demo: the database already has orders; the demo data is not loaded again')
    return
  }
  console.log('--demo: loading the demo data set (300 orders, seed 42)…')
  printSeedSummary(await seedDemo(conn.db, s))
}

/** The summary, then the new admin key as the last line, so it can be copied (or piped: `| tail -1`). */
function printSeedSummary(summary: SeedSummary) {
  for (const line of formatSummary(summary)) console.log(line)
  const problems = [...summary.checks.inventory, ...summary.checks.reservations]
  if (problems.length) {
    console.error(`ordo: the demo data failed its consistency checks:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
  if (summary.user) console.log(`console user ${summary.user.email}, password ${summary.user.password} (role admin): sign in at the server's address`)
  console.log(`admin API key "${summary.apiKey.name}" (${summary.apiKey.id}), shown once; use it as Authorization: Bearer <key>:`)
  console.log(summary.apiKey.key)
}

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`ordo: ${err.message}`)
  process.exit(1)
})
