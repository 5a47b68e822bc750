import { PostgresAdapter, type Compilable, type CompiledQuery, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely'
import type { Writable } from 'node:stream'
import type pg from 'pg'
import type { Trx } from './transaction.js'
import { isStalePreparedStatement, StatementNames } from './prepared.js'

/**
 * Write-behind inserts for PostgreSQL. A use case such as taking an order writes a dozen rows
 * whose results nobody reads (the order, its lines, allocations, ledger rows, events, the routing
 * decision…). Sent one by one, each is a round trip to the server, and on a small machine the
 * socket writes and wake-ups of those round trips cost more CPU than the inserts themselves.
 * `writeBehind` marks such an insert: inside a transaction the connection holds it back and sends
 * everything held with the next statement that must go out (a read, an update whose row count
 * matters, the commit), folded into one statement of data-modifying CTEs: in front of that
 * statement itself when it reads none of the held tables (one round trip), else just before it.
 * PostgreSQL checks foreign keys at the end of a statement, so parents and children may travel
 * together.
 *
 * What a caller gives up: the insert's errors arrive with the statement that carries it (the
 * commit at the latest), and it returns no rows or counts. So only plain inserts whose outcome the
 * use case does not branch on go this way; an insert that may lose a unique race the code handles
 * (`isUniqueViolation`) is sent as usual. A failed flush poisons the connection until rollback,
 * so a caller that catches the error of an unrelated read cannot commit half a use case.
 * On SQLite, where a statement is a function call and not a round trip, the insert runs at once.
 */
export async function writeBehind(trx: Trx, query: Compilable<unknown> | CompiledQuery): Promise<void> {
  const compiled = 'compile' in query ? query.compile() : query
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) {
    await trx.executeQuery(compiled)
    return
  }
  await trx.executeQuery({ ...compiled, sql: MARK + compiled.sql })
}

/**
 * Read-ahead, the other half: a read the use case will make shortly, sent now without waiting
 * for it, so that it travels with the statements that go out before it (on a small machine each
 * round trip's socket write and wake-up of the server costs more than the read). The read made
 * later with the same SQL and parameters, in the same transaction, gets this one's result. Only
 * for reads that may see the data as of the moment they are sent: a statement that writes, sent
 * or held before the read is made, discards it (the read then runs as usual).
 */
export async function readAhead(trx: Trx, query: CompiledQuery): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await trx.executeQuery({ ...query, sql: AHEAD + query.sql })
}

const MARK = '/* write-behind */ '
const AHEAD = '/* read-ahead */ '
/** PostgreSQL's limit is 65,535 bind parameters per statement; a flush stays well below it. */
const MAX_PARAMETERS = 30_000
const HELD: PostgresQueryResult<never> = { command: 'INSERT', rowCount: 0, rows: [] }
const BEGUN: PostgresQueryResult<never> = { command: 'SELECT', rowCount: 0, rows: [] }

interface Held {
  sql: string
  parameters: readonly unknown[]
  /** The table it inserts into. */
  table?: string
}

/** The pool Kysely's PostgresDialect gets: pg's own, with write-behind clients that prepare repeated statements. */
export function writeBehindPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, WriteBehindClient>()
  const names = new StatementNames()
  return {
    async connect() {
      const raw = await pool.connect()
      let client = clients.get(raw)
      if (!client) clients.set(raw, (client = new WriteBehindClient(raw, names)))
      // Kysely streams through cursors only when the dialect is given one; Ordo's is not.
      return client as unknown as PostgresPoolClient
    },
    end: () => pool.end(),
  }
}

class WriteBehindClient {
  private held: Held[] = []
  private inTransaction = false
  private failure: unknown = undefined
  /** A BEGIN sent without waiting: the transaction's first statement follows it on the wire. */
  private opening: Promise<unknown> | undefined
  /** A read sent ahead (`readAhead`), waiting for the use case to make it. */
  private ahead: { read: Held; result: Promise<PostgresQueryResult<unknown>> } | undefined
  private corked = false
  constructor(
    private readonly raw: pg.PoolClient,
    private readonly names: StatementNames,
  ) {}

  async query(sql: string, parameters: readonly unknown[] = []): Promise<PostgresQueryResult<unknown>> {
    let text = sql
    if (text.startsWith(AHEAD)) {
      if (this.inTransaction && this.failure === undefined && !this.held.length) {
        const read: Held = { sql: text.slice(AHEAD.length), parameters }
        const result = this.send(read.sql, parameters)
        result.catch(() => {})
        this.ahead = { read, result }
      }
      return HELD
    }
    if (this.ahead) {
      const { read, result } = this.ahead
      if (read.sql === text && sameValues(read.parameters, parameters)) {
        this.ahead = undefined
        return result
      }
      if (!text.startsWith('select ')) this.ahead = undefined
    }
    if (text.startsWith(MARK)) {
      if (this.inTransaction && this.failure === undefined) {
        const held = text.slice(MARK.length)
        this.held.push({ sql: held, parameters, table: /^insert into "([^"]+)"/.exec(held)?.[1] })
        return HELD
      }
      text = text.slice(MARK.length)
    }
    const verb = text.slice(0, 24).trimStart().toLowerCase()
    if (verb.startsWith('rollback')) {
      // Held inserts came after the last statement sent, so after any savepoint rolled back to.
      this.held = []
      this.failure = undefined
      if (!verb.startsWith('rollback to')) this.inTransaction = false
      return this.send(text, parameters)
    }
    if (verb.startsWith('begin') || verb.startsWith('start transaction')) {
      // Nothing is held outside a transaction: commit and rollback leave the client empty.
      this.inTransaction = true
      // The pool's clients pipeline: BEGIN goes out now, the first statement right behind it, and
      // BEGIN's own outcome is read with that statement's.
      this.corkForTick()
      const opening = this.raw.query(text, parameters as unknown[])
      opening.catch(() => {})
      this.opening = opening
      return BEGUN
    }
    if (verb.startsWith('commit')) {
      if (this.failure !== undefined) throw this.failure
      this.inTransaction = false
      // The last held inserts and the COMMIT go out together. Should the inserts fail, the server
      // ends the transaction with a rollback at the COMMIT, and the inserts' error is the answer.
      const held = this.held.length ? this.sendHeld(this.held.splice(0)) : undefined
      const committed = this.send(text, parameters)
      if (held) {
        try {
          await held
        } catch (err) {
          await committed.catch(() => {})
          throw err
        }
      }
      return committed
    }
    if (this.held.length && this.failure === undefined && this.canCarry(verb, text, parameters)) {
      return this.sendHeld(this.held.splice(0), { sql: text, parameters })
    }
    await this.flush()
    return this.send(text, parameters)
  }

  /**
   * Whether a statement can carry the held inserts as CTEs in front of it: a plain statement (no
   * WITH of its own) that names none of their tables, since the statement would not see rows its
   * own CTEs insert (one snapshot for the whole statement).
   */
  private canCarry(verb: string, text: string, parameters: readonly unknown[]) {
    if (!/^(select|update|insert|delete)\s/.test(verb)) return false
    let count = parameters.length
    for (const h of this.held) {
      if (!h.table || text.includes(`"${h.table}"`)) return false
      count += h.parameters.length
    }
    return count <= MAX_PARAMETERS
  }

  release() {
    this.ahead = undefined
    this.held = []
    this.inTransaction = false
    this.failure = undefined
    this.opening = undefined
    this.raw.release()
  }

  /** Sends one statement (prepared, when its text repeats); a BEGIN still in flight is read first, so its error comes out here. */
  private async send(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> {
    const name = this.names.nameOf(text)
    const values = parameters as unknown[]
    this.corkForTick()
    const result = (name === undefined ? this.raw.query(text, values) : this.raw.query({ name, text, values })) as Promise<PostgresQueryResult<unknown>>
    if (name !== undefined) result.catch((err) => isStalePreparedStatement(err) && this.names.forget(text))
    const opening = this.opening
    if (opening) {
      this.opening = undefined
      try {
        await opening
      } catch (err) {
        result.catch(() => {})
        throw err
      }
    }
    if (name === undefined || this.inTransaction) return result
    // Outside a transaction nothing else is lost: a statement prepared before a migration changed
    // its columns is sent again, unprepared.
    return result.catch((err) => {
      if (!isStalePreparedStatement(err)) throw err
      return this.raw.query(text, values) as Promise<PostgresQueryResult<unknown>>
    })
  }

  /**
   * pg writes each statement to the socket on its own (one syscall, one wake-up of the server);
   * statements sent in the same tick (BEGIN and the first statement, the reads a use case sends
   * together) go out in one write when the socket is corked until the tick ends.
   */
  private corkForTick() {
    if (this.corked) return
    const stream = (this.raw as unknown as { connection: { stream: Writable } }).connection.stream
    this.corked = true
    stream.cork()
    process.nextTick(() => {
      this.corked = false
      stream.uncork()
    })
  }

  /** Sends held inserts as one statement, in front of `carrier` when given; a failure poisons the connection. */
  private async sendHeld(batch: Held[], carrier?: Held): Promise<PostgresQueryResult<unknown>> {
    const all = carrier ? [...batch, carrier] : batch
    try {
      return await (all.length === 1 ? this.send(all[0].sql, all[0].parameters) : this.send(...fold(all)))
    } catch (err) {
      this.held = []
      this.failure = err
      throw err
    }
  }

  private async flush() {
    if (this.failure !== undefined) throw this.failure
    while (this.held.length) {
      let count = 0
      let n = 0
      while (n < this.held.length && (n === 0 || count + this.held[n].parameters.length <= MAX_PARAMETERS)) count += this.held[n++].parameters.length
      await this.sendHeld(this.held.splice(0, n))
    }
  }
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i])

/** `with w1 as (<insert 1>), w2 as (<insert 2>) <insert 3>`, each statement's `$n` moved past the ones before it. */
export function fold(batch: Held[]): [string, unknown[]] {
  const parameters: unknown[] = []
  for (const h of batch) parameters.push(...h.parameters)
  // A use case folds the same statements every time: the text is built once per sequence of texts
  // (renumbering a dozen inserts' parameters cost the API process ≈ 3 % of its CPU per order).
  const key = batch.map((h) => `${h.parameters.length}|${h.sql}`).join('\u0000')
  let sql = folded.get(key)
  if (sql === undefined) {
    let offset = 0
    const parts = batch.map((h) => {
      const part = offset ? h.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`) : h.sql
      offset += h.parameters.length
      return part
    })
    const last = parts.pop()!
    sql = `with ${parts.map((p, i) => `w${i + 1} as (${p})`).join(', ')} ${last}`
    if (folded.size >= MAX_FOLDED) folded.clear()
    folded.set(key, sql)
  }
  return [sql, parameters]
}

const MAX_FOLDED = 500
const folded = new Map<string, string>()
