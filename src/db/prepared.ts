/**
 * Server-side prepared statements for PostgreSQL. Sent as plain text, every statement is parsed,
 * analysed and planned by the server anew; for the dozen-table inserts of an order that costs the
 * server more than running them (measured: a quarter of its CPU per order). A statement text seen
 * a second time gets a name: pg then parses it once per connection and only binds and executes it
 * after that, and the server may keep its plan.
 *
 * Bounded: at most `limit` texts are named per process (texts with a varying shape, such as IN
 * lists of every length, stop being named once it is reached), and the texts seen once are
 * forgotten in bulk when there are too many of them.
 */
export class StatementNames {
  private readonly names = new Map<string, string>()
  private seenOnce = new Set<string>()
  private next = 0

  constructor(
    private readonly limit = 2000,
    private readonly seenLimit = 20_000,
  ) {}

  /** The name to prepare `text` under, or undefined to send it unnamed this time. */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text)
    if (name !== undefined || this.names.size >= this.limit) return name
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= this.seenLimit) this.seenOnce = new Set()
      this.seenOnce.add(text)
      return undefined
    }
    this.seenOnce.delete(text)
    const named = `ordo_${(this.next++).toString(36)}`
    this.names.set(text, named)
    return named
  }

  /**
   * A prepared `select *` fails with "cached plan must not change result type" once a migration
   * changed its table under a running process. The text is named anew, so every connection
   * prepares it again (the failed statement's transaction is lost; the next one succeeds).
   */
  forget(text: string): void {
    this.names.delete(text)
  }
}

/** PostgreSQL's error for a prepared statement whose result columns changed since it was prepared. */
export const isStalePreparedStatement = (err: unknown) =>
  (err as { code?: string })?.code === '0A000' && /cached plan must not change result type/.test(String((err as Error)?.message))
