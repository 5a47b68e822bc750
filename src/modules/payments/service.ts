import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { conflict, invalid, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CustomerService } from '../customers/index.js'
import { createProviderRegistry, manualProvider, type RefundResult } from './provider.js'
import type { CreditNote, CreditNoteListQuery, CustomerCredit, PaymentRequest, Refund, RefundListQuery, RefundPart, RefundStatus } from './schema.js'
import type { CreditNotesTable, PaymentRequestsTable, RefundsTable } from './tables.js'

type RefundRow = Selectable<RefundsTable>
type CreditNoteRow = Selectable<CreditNotesTable>
type PaymentRequestRow = Selectable<PaymentRequestsTable>

/** A refund to be paid out for an order (and the return that caused it). */
export interface NewRefund {
  order: { id: string; number: string }
  return?: { id: string; number: string }
  customerId: string
  /** The provider's code; see `providerFor`. */
  provider: string
  paymentReference: string | null
  amount: number
  shippingAmount: number
  currency: string
  breakdown: RefundPart[]
  note?: string | null
}

/** What asking the provider gave: its answer, or `unknown` when the call itself failed (retry with the same key). */
export type RefundOutcome = RefundResult | { status: 'unknown'; message: string }

const toRefund = (r: RefundRow): Refund => ({
  id: r.id,
  order: { id: r.orderId, number: r.orderNumber },
  return: r.returnId && r.returnNumber ? { id: r.returnId, number: r.returnNumber } : null,
  customerId: r.customerId,
  provider: r.provider,
  paymentReference: r.paymentReference,
  amount: { amount: r.amount, currency: r.currency },
  shipping: { amount: r.shippingAmount, currency: r.currency },
  status: r.status as RefundStatus,
  providerReference: r.providerReference,
  note: r.note,
  breakdown: JSON.parse(r.breakdown) as RefundPart[],
  attempts: r.attempts,
  lastError: r.lastError,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  completedAt: r.completedAt,
})

const toCreditNote = (r: CreditNoteRow): CreditNote => ({
  id: r.id,
  number: r.number,
  customerId: r.customerId,
  orderId: r.orderId,
  returnId: r.returnId,
  amount: { amount: r.amount, currency: r.currency },
  balance: { amount: r.balance, currency: r.currency },
  reason: r.reason,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
})

const toPaymentRequest = (r: PaymentRequestRow): PaymentRequest => ({
  id: r.id,
  order: { id: r.orderId, number: r.orderNumber },
  returnId: r.returnId,
  customerId: r.customerId,
  amount: { amount: r.amount, currency: r.currency },
  status: r.status as PaymentRequest['status'],
  reason: r.reason,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
})

/**
 * Money going back to customers (refunds through payment providers, store credit as credit notes)
 * and money still owed (payment requests). Refunds are two-phase: the intent is written in the
 * caller's transaction, the provider is asked outside any transaction with the refund's
 * idempotency key, and the answer is recorded in a second transaction.
 */
export function createPaymentService(d: { customers: CustomerService }) {
  const providers = createProviderRegistry([manualProvider])

  async function refundRow(db: Db | Trx, id: string): Promise<RefundRow> {
    const row = await db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('refund', id)
    return row
  }

  const refundEvent = (r: RefundRow, type: string, extra: { from?: string; to?: string; reason?: string | null; data?: Record<string, unknown> } = {}) => ({
    type,
    entity: 'refund',
    entityId: r.id,
    orderId: r.orderId,
    from: extra.from ?? null,
    to: extra.to ?? null,
    reason: extra.reason ?? null,
    data: { amount: r.amount, currency: r.currency, provider: r.provider, return: r.returnNumber, ...extra.data },
  })

  const service = {
    /** Installed payment providers: integrations register theirs here at start-up (see docs/returns.md). */
    providers,

    /**
     * The provider that refunds a payment: the one named, else the one registered under the
     * order's payment method, else `manual` (a person pays it back).
     */
    providerFor(paymentMethod: string | null, named?: string, path = 'provider'): string {
      if (named !== undefined) {
        if (!providers.get(named)) throw invalid('refund.unknown_provider', `No payment provider "${named}" is installed (installed: ${providers.codes().join(', ')}).`, [{ path, message: 'unknown provider' }])
        return named
      }
      return paymentMethod && providers.get(paymentMethod) ? paymentMethod : manualProvider.code
    },

    /** Writes a refund intent (`pending`) in the caller's transaction; pay it out with `sendRefund` after the commit. */
    async openRefund(trx: Trx, ctx: Ctx, input: NewRefund): Promise<Refund> {
      const at = ctx.clock.now().toISOString()
      const id = newId('rfd')
      const row: RefundRow = {
        id,
        orderId: input.order.id,
        orderNumber: input.order.number,
        returnId: input.return?.id ?? null,
        returnNumber: input.return?.number ?? null,
        customerId: input.customerId,
        provider: input.provider,
        paymentReference: input.paymentReference,
        amount: input.amount,
        shippingAmount: input.shippingAmount,
        currency: input.currency,
        status: 'pending',
        providerReference: null,
        note: input.note ?? null,
        breakdown: JSON.stringify(input.breakdown),
        idempotencyKey: id,
        attempts: 0,
        lastError: null,
        createdBy: actorLabel(ctx.actor),
        createdAt: at,
        updatedAt: at,
        completedAt: null,
      }
      await trx.insertInto('refunds').values(row).execute()
      await recordEvent(trx, ctx, refundEvent(row, 'refund.created', { to: 'pending', reason: input.note ?? null }))
      return toRefund(row)
    },

    /** Asks the provider to pay a pending refund out; runs outside any transaction and never throws for the provider's sake. */
    async sendRefund(db: Db, id: string): Promise<RefundOutcome> {
      const r = await refundRow(db, id)
      if (r.status !== 'pending') throw conflict('refund.not_pending', `Refund ${r.id} is ${r.status}; only a pending refund is sent.`)
      const provider = providers.get(r.provider)
      if (!provider) return { status: 'unknown', message: `payment provider "${r.provider}" is not installed in this process` }
      try {
        return await provider.refund({ paymentReference: r.paymentReference, amount: r.amount, currency: r.currency, idempotencyKey: r.idempotencyKey, note: r.note })
      } catch (err) {
        return { status: 'unknown', message: (err as Error).message || 'the provider did not answer' }
      }
    },

    /** Records the provider's answer on a pending refund, in the caller's transaction. */
    async settleRefund(trx: Trx, ctx: Ctx, id: string, result: RefundResult): Promise<Refund> {
      const r = await refundRow(trx, id)
      const at = ctx.clock.now().toISOString()
      const next: RefundRow = {
        ...r,
        status: result.status,
        providerReference: result.reference,
        attempts: r.attempts + 1,
        lastError: result.status === 'failed' ? (result.message ?? 'refused by the provider') : null,
        completedAt: result.status === 'succeeded' ? at : null,
        updatedAt: at,
      }
      const u = await trx
        .updateTable('refunds')
        .set({ status: next.status, providerReference: next.providerReference, attempts: next.attempts, lastError: next.lastError, completedAt: next.completedAt, updatedAt: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      if (Number(u.numUpdatedRows) !== 1) throw conflict('refund.not_pending', `Refund ${r.id} was settled meanwhile.`)
      await recordEvent(trx, ctx, refundEvent(next, `refund.${result.status}`, { from: 'pending', to: result.status, reason: result.message ?? null, data: { providerReference: result.reference } }))
      return toRefund(next)
    },

    /**
     * The provider's outcome is unknown, or it paid out and recording that failed: the refund stays
     * `pending` (with what is known) in its own transaction, for a retry with the same key.
     */
    async notePendingRefund(db: Db, ctx: Ctx, id: string, error: string, providerReference: string | null): Promise<void> {
      await inTransaction(db, (trx) =>
        trx
          .updateTable('refunds')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), lastError: error, providerReference, updatedAt: ctx.clock.now().toISOString() }))
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .execute(),
      )
    },

    /** A failed refund asked again (through another provider, e.g. `manual`, if named): back to `pending`. */
    async reopenRefund(trx: Trx, ctx: Ctx, id: string, opts: { provider?: string; note?: string | null }): Promise<Refund> {
      const r = await refundRow(trx, id)
      const at = ctx.clock.now().toISOString()
      const provider = opts.provider ?? r.provider
      const note = opts.note ?? r.note
      const u = await trx.updateTable('refunds').set({ status: 'pending', provider, note, updatedAt: at }).where('id', '=', id).where('status', '=', 'failed').executeTakeFirst()
      if (Number(u.numUpdatedRows) !== 1) throw conflict('refund.not_failed', `Refund ${r.id} is ${r.status}; only a failed refund is asked again.`)
      const next = { ...r, status: 'pending', provider, note, updatedAt: at }
      await recordEvent(trx, ctx, refundEvent(next, 'refund.retried', { from: 'failed', to: 'pending', reason: note }))
      return toRefund(next)
    },

    getRefund: async (db: Db | Trx, id: string): Promise<Refund> => toRefund(await refundRow(db, id)),

    async listRefunds(db: Db, q: RefundListQuery): Promise<{ data: Refund[]; nextCursor: string | null }> {
      let query = db.selectFrom('refunds').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.provider) query = query.where('provider', '=', q.provider)
      if (q.order) query = query.where((eb) => eb.or([eb('orderId', '=', q.order!), eb('orderNumber', '=', q.order!)]))
      if (q.return) query = query.where((eb) => eb.or([eb('returnId', '=', q.return!), eb('returnNumber', '=', q.return!)]))
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return { data: page.data.map(toRefund), nextCursor: page.nextCursor }
    },

    /** Refunds, credit notes and payment requests of these returns, oldest first. */
    async ofReturns(db: Db | Trx, returnIds: string[]): Promise<{ refunds: Refund[]; creditNotes: CreditNote[]; paymentRequests: PaymentRequest[] }> {
      if (!returnIds.length) return { refunds: [], creditNotes: [], paymentRequests: [] }
      const [refunds, notes, requests] = await Promise.all([
        db.selectFrom('refunds').selectAll().where('returnId', 'in', returnIds).orderBy('id').execute(),
        db.selectFrom('creditNotes').selectAll().where('returnId', 'in', returnIds).orderBy('id').execute(),
        db.selectFrom('paymentRequests').selectAll().where('returnId', 'in', returnIds).orderBy('id').execute(),
      ])
      return { refunds: refunds.map(toRefund), creditNotes: notes.map(toCreditNote), paymentRequests: requests.map(toPaymentRequest) }
    },

    /** Freight of an order already refunded or on its way back (pending refunds count: they will be paid). */
    async shippingRefunded(db: Db | Trx, orderId: string): Promise<number> {
      const row = await db
        .selectFrom('refunds')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('shippingAmount'), eb.lit(0)).as('total'))
        .where('orderId', '=', orderId)
        .where('status', 'in', ['pending', 'succeeded'])
        .executeTakeFirstOrThrow()
      return Number(row.total)
    },

    // ---- store credit ----

    /** Store credit for a customer as a credit note `CN-…`, whose balance they spend later. */
    async issueCreditNote(trx: Trx, ctx: Ctx, input: { customerId: string; order?: { id: string; number: string }; returnId?: string; amount: number; currency: string; reason: string }): Promise<CreditNote> {
      const at = ctx.clock.now().toISOString()
      const row: CreditNoteRow = {
        id: newId('cn'),
        number: await nextNumber(trx, 'CN'),
        customerId: input.customerId,
        orderId: input.order?.id ?? null,
        returnId: input.returnId ?? null,
        currency: input.currency,
        amount: input.amount,
        balance: input.amount,
        reason: input.reason,
        createdBy: actorLabel(ctx.actor),
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      await trx.insertInto('creditNotes').values(row).execute()
      await recordEvent(trx, ctx, {
        type: 'credit_note.issued',
        entity: 'credit_note',
        entityId: row.id,
        orderId: row.orderId,
        reason: input.reason,
        data: { number: row.number, customerId: row.customerId, amount: row.amount, currency: row.currency, order: input.order?.number ?? null },
      })
      return toCreditNote(row)
    },

    async getCreditNote(db: Db, id: string): Promise<CreditNote> {
      const row = await db
        .selectFrom('creditNotes')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', id), eb('number', '=', id)]))
        .executeTakeFirst()
      if (!row) throw notFound('credit_note', id)
      return toCreditNote(row)
    },

    async listCreditNotes(db: Db, q: CreditNoteListQuery): Promise<{ data: CreditNote[]; nextCursor: string | null }> {
      let query = db.selectFrom('creditNotes').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.customer) query = query.where('customerId', '=', q.customer)
      if (q.order) query = query.where('orderId', '=', q.order)
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return { data: page.data.map(toCreditNote), nextCursor: page.nextCursor }
    },

    /** A customer's store credit: unspent balance per currency and their credit notes, newest first. */
    async creditOf(db: Db, customerId: string): Promise<CustomerCredit> {
      await d.customers.get(db, customerId)
      const rows = await db.selectFrom('creditNotes').selectAll().where('customerId', '=', customerId).orderBy('id', 'desc').execute()
      const balances = new Map<string, number>()
      for (const r of rows) balances.set(r.currency, (balances.get(r.currency) ?? 0) + r.balance)
      return {
        customerId,
        balances: [...balances].filter(([, amount]) => amount > 0).sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency })),
        creditNotes: rows.map(toCreditNote),
      }
    },

    // ---- money owed ----

    /** Records that the customer owes an amount (e.g. an exchange for a dearer item), for the channel or a person to collect. */
    async requestPayment(trx: Trx, ctx: Ctx, input: { order: { id: string; number: string }; returnId?: string; customerId: string; amount: number; currency: string; reason: string }): Promise<PaymentRequest> {
      const at = ctx.clock.now().toISOString()
      const row: PaymentRequestRow = {
        id: newId('prq'),
        orderId: input.order.id,
        orderNumber: input.order.number,
        returnId: input.returnId ?? null,
        customerId: input.customerId,
        amount: input.amount,
        currency: input.currency,
        status: 'open',
        reason: input.reason,
        createdBy: actorLabel(ctx.actor),
        createdAt: at,
        updatedAt: at,
      }
      await trx.insertInto('paymentRequests').values(row).execute()
      await recordEvent(trx, ctx, {
        type: 'payment_request.created',
        entity: 'payment_request',
        entityId: row.id,
        orderId: row.orderId,
        to: 'open',
        reason: input.reason,
        data: { amount: row.amount, currency: row.currency },
      })
      return toPaymentRequest(row)
    },
  }
  return service
}

export type PaymentService = ReturnType<typeof createPaymentService>
