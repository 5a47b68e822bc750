import cluster from 'node:cluster'
import type { Config } from './config.js'
import { connect } from './db/connection.js'
import { migrateToLatest } from './db/migrations.js'
import { buildApp } from './app.js'
import { stampEvents } from './kernel/events.js'
import { systemClock } from './kernel/clock.js'
import { startWorkers } from './workers.js'

/**
 * Runs the HTTP server. With workers > 1 the primary migrates once and forks; each worker is a
 * stateless API process on the same database (SQLite's WAL file or PostgreSQL).
 */
export async function serve(config: Config, opts: { workers: number; onListening?: (url: string) => void }): Promise<void> {
  if (opts.workers > 1 && cluster.isPrimary) {
    const conn = connect(config.database)
    await migrateToLatest(conn.db)
    await conn.close()
    for (let i = 0; i < opts.workers; i++) cluster.fork()
    cluster.on('exit', (worker, code) => {
      if (code !== 0) console.error(`worker ${worker.process.pid} exited with ${code}; starting another`)
      if (code !== 0) cluster.fork()
    })
    return
  }
  const conn = connect(config.database)
  if (!cluster.isWorker) await migrateToLatest(conn.db)
  const app = await buildApp({ conn, logLevel: config.logLevel, apiKeyCacheSeconds: config.apiKeyCacheSeconds })
  // The sequencer stamps committed events so the feed (and later webhooks) can page by seq.
  // (On SQLite events are numbered at insert, so only PostgreSQL needs it.)
  const sequencer =
    conn.dialect === 'postgres'
      ? setInterval(() => {
          stampEvents(conn.db, conn.dialect).catch((err) => app.log.warn({ err }, 'event sequencer failed'))
        }, 250).unref()
      : undefined
  // Webhook deliveries and customer e-mails run in every process that has them on; they share the
  // work through the database, so API-only processes (ORDO_WORKERS=off) can leave it to others.
  // On PostgreSQL they get two connections of their own: each of their statements would otherwise
  // queue for a pooled connection behind the API's requests, and under a steady stream of orders
  // the e-mails would fall ever further behind. (SQLite has one writer: there they share it.)
  const workerConn = config.workers && config.database.dialect === 'postgres' ? connect({ ...config.database, poolSize: 2 }) : conn
  const workers = config.workers
    ? startWorkers({ conn: workerConn, services: app.services, clock: systemClock, log: app.log, webhooks: config.webhooks, notifications: config.notifications })
    : null
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    clearInterval(sequencer)
    await workers?.stop()
    if (workerConn !== conn) await workerConn.close()
    await app.close()
    await conn.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  const url = await app.listen({ port: config.port, host: config.host })
  opts.onListening?.(url)
}
