import type { Generated } from 'kysely'

/** Tables the kernel owns: the event log (history + outbox + feed), idempotency keys, counters. */
export interface EventsTable {
  id: string
  seq: number | null
  type: string
  entity: string
  entityId: string
  orderId: string | null
  fromState: string | null
  toState: string | null
  actor: string
  reason: string | null
  data: string
  requestId: string | null
  occurredAt: string
}

export interface IdempotencyKeysTable {
  scope: string
  key: string
  requestHash: string
  resourceType: string
  resourceId: string
  createdAt: string
}

export interface CountersTable {
  name: string
  value: Generated<number>
}

export interface KernelTables {
  events: EventsTable
  idempotencyKeys: IdempotencyKeysTable
  counters: CountersTable
}
