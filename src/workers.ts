import type { NotificationSettings, WebhookSettings } from './config.js'
import type { Connection } from './db/connection.js'
import type { Clock } from './kernel/clock.js'
import type { Services } from './services.js'
import { createNotifier, createMailer, type Mailer } from './modules/notifications/index.js'
import { createWebhookDispatcher, DEFAULT_RETRY_POLICY, type RetryPolicy } from './modules/webhooks/index.js'

export interface WorkerLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface WorkerOptions {
  conn: Connection
  services: Services
  clock: Clock
  log: WorkerLog
  webhooks: WebhookSettings & { retry?: RetryPolicy; random?: () => number }
  /** The public URL in links is the services' (see createServices); the rest is the workers'. */
  notifications: Omit<NotificationSettings, 'publicUrl'> & { retrySchedule?: number[]; mailer?: Mailer }
  /** Pause between rounds when there was nothing to do (ms). */
  pollMs?: number
  /** false: nothing runs by itself; call `tick()` (tests). */
  autoStart?: boolean
}

export interface Workers {
  /** One round of every worker: queue what new events call for, send what is due. */
  tick(): Promise<void>
  /** Stops polling and waits for the round in progress to finish. */
  stop(): Promise<void>
}

/**
 * The background workers of a process: the webhook dispatcher and the e-mail notifier. Every
 * `ordo serve` process runs them; they coordinate through the database (cursors moved by guarded
 * updates, deliveries and e-mails claimed by guarded updates), so any number may run at once. An
 * error is logged and the round is tried again after the pause; nothing here ends the process.
 */
export function startWorkers(o: WorkerOptions): Workers {
  const { db, dialect } = o.conn
  const dispatcher = createWebhookDispatcher({
    db,
    dialect,
    clock: o.clock,
    log: o.log,
    timeoutMs: o.webhooks.timeoutMs,
    allowPrivate: o.webhooks.allowPrivate,
    retry: o.webhooks.retry ?? DEFAULT_RETRY_POLICY,
    random: o.webhooks.random ?? Math.random,
  })
  const mailer = o.notifications.mailer ?? createMailer(o.notifications, o.log)
  const notifier = createNotifier({
    db,
    dialect,
    clock: o.clock,
    log: o.log,
    notifications: o.services.notifications,
    mailer,
    mailFrom: o.notifications.mailFrom,
    retrySchedule: o.notifications.retrySchedule,
  })
  const jobs = [
    { name: 'webhook dispatcher', run: () => dispatcher.tick() },
    { name: 'notifier', run: () => notifier.tick() },
  ]

  // Each worker polls on its own, so a slow webhook receiver never delays e-mails (or the reverse).
  const pollMs = o.pollMs ?? 1000
  const loops = jobs.map((job) => {
    const state = { stopped: false, timer: undefined as NodeJS.Timeout | undefined, current: undefined as Promise<void> | undefined }
    const once = () => job.run().then(() => undefined, (err) => o.log.error({ err }, `${job.name} failed; retrying after a pause`))
    const loop = () => {
      state.timer = undefined
      if (state.stopped) return
      state.current = once().finally(() => {
        state.current = undefined
        if (!state.stopped) state.timer = setTimeout(loop, pollMs).unref()
      })
    }
    if (o.autoStart !== false) state.timer = setTimeout(loop, 0).unref()
    return { state, once }
  })

  return {
    async tick() {
      // One after the other: deterministic for tests (PostgreSQL's event stamping is shared).
      for (const l of loops) {
        await l.state.current
        await l.once()
      }
    },
    async stop() {
      for (const l of loops) {
        l.state.stopped = true
        clearTimeout(l.state.timer)
      }
      await Promise.all(loops.map((l) => l.state.current))
      mailer.close()
    },
  }
}
