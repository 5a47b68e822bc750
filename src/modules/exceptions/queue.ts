import type { Selectable } from 'kysely'
import { AppError } from '../../kernel/errors.js'
import { encodeCursor } from '../../kernel/pagination.js'
import { EXCEPTION_TYPES, SEVERITIES, type Exception, type ExceptionList, type ExceptionStatus, type ExceptionType, type Severity } from './schema.js'
import type { ExceptionsTable } from './tables.js'

/** The people's part of an item: who has it, who resolved it. */
export type PeopleRow = Selectable<ExceptionsTable>

/** One item as its source derives it from the owning module's state. */
export interface QueueItem {
  key: string
  type: ExceptionType
  severity: Severity
  title: string
  detail: string
  holdCode: string | null
  entity: { type: string; id: string; number: string | null }
  orderId: string | null
  orderNumber: string | null
  location: string | null
  channel: string | null
  /** ISO-8601 UTC, as `Date#toISOString` writes it (fixed width, so it sorts as text). */
  since: string
  link: string
}

/**
 * Where an item stands. Live (its condition holds): `open`, unless a person resolved it and the
 * condition has not come back since (a newer `since` than the one resolved). Not live: `resolved`
 * when a person resolved it, else `cleared` (the condition ended by itself).
 */
export function statusOf(live: QueueItem | undefined, row: PeopleRow | undefined): ExceptionStatus {
  const resolvedSince = row?.resolvedAt ? row.resolvedSince : null
  if (!live) return resolvedSince ? 'resolved' : 'cleared'
  return resolvedSince && live.since <= resolvedSince ? 'resolved' : 'open'
}

/** The API view: the live item (or the one last stored, when its condition has ended) with the people's part. */
export function toView(live: QueueItem | undefined, row: PeopleRow | undefined): Exception {
  const item = live ?? (JSON.parse(row!.item) as QueueItem)
  const status = statusOf(live, row)
  const resolved = status === 'resolved'
  return {
    ...item,
    status,
    assignee: row?.assignee ?? null,
    assignedAt: row?.assignedAt ?? null,
    assignedBy: row?.assignedBy ?? null,
    note: row?.note ?? null,
    resolvedAt: resolved ? row!.resolvedAt : null,
    resolvedBy: resolved ? row!.resolvedBy : null,
    resolutionNote: resolved ? row!.resolutionNote : null,
    version: row?.version ?? 0,
  }
}

export interface QueueFilter {
  type?: ExceptionType
  holdCode?: string
  assignee?: string
  assigned?: boolean
  location?: string
  channel?: string
  /** ISO cutoff: only items whose condition began at or before it. */
  sinceBefore?: string
}

/** The filters that narrow the counts too (type and hold code only choose what is listed). */
export const matchesScope = (v: Exception, f: QueueFilter) =>
  (f.assignee === undefined || v.assignee === f.assignee) &&
  (f.assigned === undefined || (v.assignee !== null) === f.assigned) &&
  (f.location === undefined || v.location === f.location) &&
  (f.channel === undefined || v.channel === f.channel) &&
  (f.sinceBefore === undefined || v.since <= f.sinceBefore)

export const matchesKind = (v: Pick<Exception, 'type' | 'holdCode'>, f: QueueFilter) =>
  (f.type === undefined || v.type === f.type) && (f.holdCode === undefined || (v.type === 'order_hold' && v.holdCode === f.holdCode))

/** Counts per type and per hold code; `n` is how many items an entry stands for (a SQL group), 1 by default. */
export function countsOf(items: (Pick<Exception, 'type' | 'holdCode'> & { n?: number })[], capped: readonly ExceptionType[]): ExceptionList['counts'] {
  const byType = Object.fromEntries(EXCEPTION_TYPES.map((t) => [t, 0])) as Record<ExceptionType, number>
  const byHoldCode: Record<string, number> = {}
  let total = 0
  for (const v of items) {
    const n = v.n ?? 1
    byType[v.type] += n
    total += n
    if (v.type === 'order_hold' && v.holdCode) byHoldCode[v.holdCode] = (byHoldCode[v.holdCode] ?? 0) + n
  }
  return { byType, byHoldCode, total, capped: EXCEPTION_TYPES.filter((t) => capped.includes(t)) }
}

/** The open queue's order: severity (high first), then the oldest condition, then the key. */
type Position = [rank: number, since: string, key: string]
const positionOf = (v: Pick<Exception, 'severity' | 'since' | 'key'>): Position => [SEVERITIES.indexOf(v.severity), v.since, v.key]
const compare = (a: Position, b: Position) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0)

function parsePosition(cursor: string): Position {
  const m = /^(\d)_([^_]+)_(.+)$/.exec(cursor)
  if (!m) throw new AppError(400, 'request.invalid_cursor', 'The cursor is not one this API returned.', [{ path: 'cursor', message: 'invalid cursor' }])
  return [Number(m[1]), m[2], m[3]]
}

/** One page of the open queue after `cursor` (a decoded cursor this function returned). */
export function pageOf<T extends Pick<Exception, 'severity' | 'since' | 'key'>>(items: T[], limit: number, cursor?: string): { data: T[]; nextCursor: string | null } {
  const sorted = [...items].sort((a, b) => compare(positionOf(a), positionOf(b)))
  const after = cursor === undefined ? undefined : parsePosition(cursor)
  const rest = after ? sorted.filter((v) => compare(positionOf(v), after) > 0) : sorted
  const data = rest.slice(0, limit)
  const last = data[data.length - 1]
  return { data, nextCursor: rest.length > limit ? encodeCursor(positionOf(last).join('_')) : null }
}
