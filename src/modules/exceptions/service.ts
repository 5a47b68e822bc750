import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { conflict, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { decodeCursor, encodeCursor } from '../../kernel/pagination.js'
import { countsOf, matchesKind, matchesScope, pageOf, toView, type PeopleRow, type QueueFilter, type QueueItem } from './queue.js'
import type { AssignBody, Exception, ExceptionList, ExceptionListQuery, ExceptionType, ReopenBody, ResolveBody } from './schema.js'
import { findItems, type ExceptionSources } from './sources.js'

const DAY = 86_400_000

/**
 * The exception queue: one list of what needs a person, derived on every read from the state of
 * the modules that own it (holds, backorders, short picks, shipments, returns, e-mails, webhooks).
 * Its own table holds only the people's part: assignee, notes, resolution.
 */
export function createExceptionService(d: ExceptionSources & { backorderAlertDays: number }) {
  const typeOfKey = (key: string) => key.slice(0, key.indexOf(':')) as ExceptionType

  async function rowsFor(db: Db | Trx, keys: string[]): Promise<Map<string, PeopleRow>> {
    if (!keys.length) return new Map()
    const rows = await db.selectFrom('exceptions').selectAll().where('key', 'in', keys).execute()
    return new Map(rows.map((r) => [r.key, r]))
  }

  /** One item, live or as last stored. A single item is found whatever its age (the backorder threshold is a listing filter). */
  async function load(db: Db | Trx, ctx: Ctx, key: string) {
    const { items } = await findItems(d, { db, now: ctx.clock.now(), backorderDays: 0 }, [typeOfKey(key)])
    const live = items.find((i) => i.key === key)
    const row = (await rowsFor(db, [key])).get(key)
    if (!live && !row) throw notFound('exception', key)
    return { live, row, view: toView(live, row) }
  }

  function checkVersion(row: PeopleRow | undefined, ifMatch: number | undefined) {
    if (ifMatch !== undefined && ifMatch !== (row?.version ?? 0)) throw versionMismatch(row?.version ?? 0)
  }

  /** Writes the people's part; a concurrent writer (the version moved, or the row appeared) is a 409. */
  async function save(trx: Trx, ctx: Ctx, item: QueueItem, row: PeopleRow | undefined, patch: Partial<PeopleRow>): Promise<PeopleRow> {
    const at = ctx.clock.now().toISOString()
    const copy = { type: item.type, holdCode: item.holdCode, orderId: item.orderId, location: item.location, channel: item.channel, item: JSON.stringify(item), updatedAt: at }
    const raced = conflict('exception.concurrent_change', `Someone changed exception ${item.key} at the same moment; read it again.`)
    if (!row) {
      const next: PeopleRow = {
        key: item.key,
        ...copy,
        assignee: null,
        assignedAt: null,
        assignedBy: null,
        note: null,
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        resolvedSince: null,
        version: 1,
        createdAt: at,
        ...patch,
      }
      const r = await trx
        .insertInto('exceptions')
        .values(next)
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst()
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) throw raced
      return next
    }
    const next: PeopleRow = { ...row, ...copy, ...patch, version: row.version + 1 }
    const { key: _key, createdAt: _created, ...changes } = next
    const r = await trx.updateTable('exceptions').set(changes).where('key', '=', row.key).where('version', '=', row.version).executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) throw raced
    return next
  }

  /** The live item to act on; 409 when it was resolved or cleared and its condition has ended. */
  const liveOrThrow = (key: string, live: QueueItem | undefined, row: PeopleRow | undefined) => {
    if (live) return live
    if (row?.resolvedAt) throw conflict('exception.already_resolved', `Exception ${key} was resolved by ${row.resolvedBy} at ${row.resolvedAt}.`)
    throw conflict('exception.cleared', `Exception ${key} no longer needs anyone: its condition has ended.`)
  }

  const eventOf = (item: QueueItem, type: string, data: Record<string, unknown>, reason?: string | null) => ({
    type,
    entity: 'exception',
    entityId: item.key,
    orderId: item.orderId,
    reason: reason ?? null,
    data: { key: item.key, type: item.type, title: item.title, ...data },
  })

  /** Resolved items, latest resolution first, paged in SQL; `cameBack` are resolved rows whose condition returned (open again). */
  async function resolvedList(db: Db, q: ExceptionListQuery, f: QueueFilter, cameBack: string[]): Promise<ExceptionList> {
    let scope = db.selectFrom('exceptions').where('resolvedAt', 'is not', null)
    if (cameBack.length) scope = scope.where('key', 'not in', cameBack)
    if (f.assignee !== undefined) scope = scope.where('assignee', '=', f.assignee)
    if (f.assigned !== undefined) scope = scope.where('assignee', f.assigned ? 'is not' : 'is', null)
    if (f.location !== undefined) scope = scope.where('location', '=', f.location)
    if (f.channel !== undefined) scope = scope.where('channel', '=', f.channel)
    if (f.sinceBefore !== undefined) scope = scope.where('resolvedSince', '<=', f.sinceBefore)
    let listed = scope.selectAll()
    if (f.type) listed = listed.where('type', '=', f.type)
    if (f.holdCode) listed = listed.where('type', '=', 'order_hold').where('holdCode', '=', f.holdCode)
    const after = decodeCursor(q.cursor)
    if (after) {
      const [resolvedAt, key] = [after.slice(0, after.indexOf('_')), after.slice(after.indexOf('_') + 1)]
      listed = listed.where((eb) => eb.or([eb('resolvedAt', '<', resolvedAt), eb.and([eb('resolvedAt', '=', resolvedAt), eb('key', '>', key)])]))
    }
    const [rows, groups] = await Promise.all([
      listed.orderBy('resolvedAt', 'desc').orderBy('key').limit(q.limit + 1).execute(),
      scope.select((eb) => ['type', 'holdCode', eb.fn.countAll<number>().as('n')]).groupBy(['type', 'holdCode']).execute(),
    ])
    const data = rows.slice(0, q.limit).map((r) => toView(undefined, r))
    const last = rows.length > q.limit ? rows[q.limit - 1] : undefined
    const counts = countsOf(groups.map((g) => ({ type: g.type as ExceptionType, holdCode: g.holdCode, n: Number(g.n) })), [])
    return { data, nextCursor: last ? encodeCursor(`${last.resolvedAt}_${last.key}`) : null, counts }
  }

  return {
    /**
     * The queue (`status=open`: derived, filtered and counted in one pass) or what people resolved
     * (`status=resolved`: from the people's table, latest first; items whose condition came back
     * are open again and left out).
     */
    async list(db: Db, ctx: Ctx, q: ExceptionListQuery): Promise<ExceptionList> {
      const now = ctx.clock.now()
      const filter: QueueFilter = {
        type: q.type,
        holdCode: q.holdCode,
        assignee: q.assignee,
        assigned: q.assigned,
        location: q.location,
        channel: q.channel,
        sinceBefore: q.olderThanDays === undefined ? undefined : new Date(now.getTime() - q.olderThanDays * DAY).toISOString(),
      }
      const { items, capped } = await findItems(d, { db, now, backorderDays: q.backorderDays ?? d.backorderAlertDays })
      const rows = await rowsFor(db, items.map((i) => i.key))
      const views = items.map((i) => toView(i, rows.get(i.key)))
      if (q.status === 'open') {
        const inScope = views.filter((v) => v.status === 'open' && matchesScope(v, filter))
        return { ...pageOf(inScope.filter((v) => matchesKind(v, filter)), q.limit, decodeCursor(q.cursor)), counts: countsOf(inScope, capped) }
      }
      return resolvedList(db, q, filter, views.filter((v) => v.status === 'open' && rows.get(v.key)?.resolvedAt).map((v) => v.key))
    },

    async get(db: Db, ctx: Ctx, key: string): Promise<Exception> {
      return (await load(db, ctx, key)).view
    },

    /** Gives an item to someone (null: back to the queue), with an optional working note. */
    async assign(trx: Trx, ctx: Ctx, key: string, input: AssignBody, ifMatch?: number): Promise<Exception> {
      const { live, row, view } = await load(trx, ctx, key)
      const item = liveOrThrow(key, live, row)
      checkVersion(row, ifMatch)
      if (view.status === 'resolved') throw conflict('exception.already_resolved', `Exception ${key} was resolved by ${row!.resolvedBy} at ${row!.resolvedAt}; reopen it first.`)
      const at = ctx.clock.now().toISOString()
      const next = await save(trx, ctx, item, row, {
        assignee: input.assignee,
        assignedAt: input.assignee ? at : null,
        assignedBy: input.assignee ? actorLabel(ctx.actor) : null,
        ...(input.note !== undefined && { note: input.note || null }),
        // A condition that came back starts a fresh round: the old resolution is history (in the events).
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        resolvedSince: null,
      })
      await recordEvent(trx, ctx, eventOf(item, input.assignee ? 'exception.assigned' : 'exception.unassigned', { assignee: input.assignee, previousAssignee: row?.assignee ?? null, note: next.note }))
      return toView(item, next)
    },

    /** Resolves an open item with a note; it leaves the queue until its condition comes back with a newer `since`. */
    async resolve(trx: Trx, ctx: Ctx, key: string, input: ResolveBody, ifMatch?: number): Promise<Exception> {
      const { live, row, view } = await load(trx, ctx, key)
      const item = liveOrThrow(key, live, row)
      if (view.status === 'resolved') throw conflict('exception.already_resolved', `Exception ${key} was resolved by ${row!.resolvedBy} at ${row!.resolvedAt}.`)
      checkVersion(row, ifMatch)
      const next = await save(trx, ctx, item, row, { resolvedAt: ctx.clock.now().toISOString(), resolvedBy: actorLabel(ctx.actor), resolutionNote: input.note, resolvedSince: item.since })
      await recordEvent(trx, ctx, eventOf(item, 'exception.resolved', { assignee: next.assignee, note: input.note }, input.note))
      return toView(item, next)
    },

    /** Puts a resolved item back in the queue while its condition still holds. */
    async reopen(trx: Trx, ctx: Ctx, key: string, input: ReopenBody, ifMatch?: number): Promise<Exception> {
      const { live, row, view } = await load(trx, ctx, key)
      if (view.status !== 'resolved') throw conflict('exception.not_resolved', `Exception ${key} is ${view.status}; only a resolved one can be reopened.`)
      if (!live) throw conflict('exception.cleared', `Exception ${key} no longer needs anyone: its condition has ended.`)
      checkVersion(row, ifMatch)
      const next = await save(trx, ctx, live, row, { resolvedAt: null, resolvedBy: null, resolutionNote: null, resolvedSince: null })
      await recordEvent(trx, ctx, eventOf(live, 'exception.reopened', { assignee: next.assignee, previousResolution: row!.resolutionNote }, input?.note))
      return toView(live, next)
    },
  }
}

export type ExceptionService = ReturnType<typeof createExceptionService>
