import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'
import { invalid, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import type { ChannelService } from '../channels/index.js'
import type { LocationService } from '../locations/index.js'
import type { Reason, RefundShipping, Resolution, ReturnPolicy, ShippingPayer } from './policy.js'
import type { PutPolicyBody, PutReasonsBody, ReasonView, ReturnPolicyView } from './schema.js'
import type { ReturnPoliciesTable } from './tables.js'

type PolicyRow = Selectable<ReturnPoliciesTable>

/** The default policy's key: channels without a policy of their own follow it. */
const DEFAULT = ''

export const toPolicy = (r: PolicyRow): ReturnPolicy => ({
  windowDays: r.windowDays,
  nonReturnableSkus: JSON.parse(r.nonReturnableSkus) as string[],
  restockingFeePpm: r.restockingFeePpm,
  returnShippingPaidBy: r.returnShippingPaidBy as ShippingPayer,
  returnLocationId: r.returnLocationId,
  autoAuthorize: r.autoAuthorize === 1,
  autoAuthorizeMaxValue: r.autoAuthorizeMaxAmount === null || r.autoAuthorizeMaxCurrency === null ? null : { amount: r.autoAuthorizeMaxAmount, currency: r.autoAuthorizeMaxCurrency },
  refundShipping: r.refundShipping as RefundShipping,
  resolutions: JSON.parse(r.resolutions) as Resolution[],
})

/** Return reasons and return policies: configuration read by every return request. */
export function createPolicyBook(d: { channels: ChannelService; locations: LocationService }) {
  async function view(db: Db | Trx, r: PolicyRow, channel: string | null, source: 'channel' | 'default'): Promise<ReturnPolicyView> {
    const { returnLocationId, ...p } = toPolicy(r)
    const location = returnLocationId ? (await d.locations.listAll(db)).find((l) => l.id === returnLocationId) : undefined
    return { channel, source, ...p, returnLocation: location?.code ?? null, version: r.version, updatedAt: r.updatedAt }
  }

  const row = (db: Db | Trx, channelId: string) => db.selectFrom('returnPolicies').selectAll().where('channelId', '=', channelId).executeTakeFirst()

  const book = {
    async reasons(db: Db | Trx): Promise<Map<string, Reason>> {
      const rows = await db.selectFrom('returnReasons').selectAll().orderBy('position').execute()
      return new Map(rows.map((r) => [r.code, { code: r.code, label: r.label, merchantFault: r.merchantFault === 1, active: r.active === 1 }]))
    },

    listReasons: async (db: Db | Trx): Promise<ReasonView[]> =>
      (await db.selectFrom('returnReasons').selectAll().orderBy('active', 'desc').orderBy('position').execute()).map((r) => ({ code: r.code, label: r.label, merchantFault: r.merchantFault === 1, active: r.active === 1 })),

    /** Replaces the list customers choose from; reasons left out stay, inactive, for the returns that name them. */
    async putReasons(trx: Trx, ctx: Ctx, input: PutReasonsBody): Promise<ReasonView[]> {
      const at = ctx.clock.now().toISOString()
      for (const [i, r] of input.reasons.entries()) {
        const values = { label: r.label, merchantFault: r.merchantFault ? 1 : 0, active: 1, position: i + 1, updatedAt: at }
        await trx
          .insertInto('returnReasons')
          .values({ code: r.code, ...values })
          .onConflict((oc) => oc.column('code').doUpdateSet(values))
          .execute()
      }
      const codes = input.reasons.map((r) => r.code)
      await trx.updateTable('returnReasons').set({ active: 0, position: codes.length + 1, updatedAt: at }).where('code', 'not in', codes).where('active', '=', 1).execute()
      await recordEvent(trx, ctx, { type: 'return_reasons.updated', entity: 'return_reasons', entityId: 'return_reasons', data: { reasons: codes } })
      return book.listReasons(trx)
    },

    /** The policy a channel's returns follow: its own, else the default. */
    async policyFor(db: Db | Trx, channelId: string): Promise<ReturnPolicy> {
      return toPolicy((await row(db, channelId)) ?? (await row(db, DEFAULT))!)
    },

    async listPolicies(db: Db): Promise<ReturnPolicyView[]> {
      const rows = await db.selectFrom('returnPolicies').selectAll().orderBy('channelId').execute()
      const out: ReturnPolicyView[] = []
      for (const r of rows) out.push(await view(db, r, r.channelId === DEFAULT ? null : (await d.channels.getById(db, r.channelId)).code, r.channelId === DEFAULT ? 'default' : 'channel'))
      return out
    },

    /** The default policy, or the one a channel follows (`source` says whether it is its own). */
    async getPolicy(db: Db, channelCode?: string): Promise<ReturnPolicyView> {
      if (channelCode === undefined) return view(db, (await row(db, DEFAULT))!, null, 'default')
      const channel = await d.channels.getByCode(db, channelCode)
      const own = await row(db, channel.id)
      return own ? view(db, own, channel.code, 'channel') : view(db, (await row(db, DEFAULT))!, channel.code, 'default')
    },

    /** Sets the default policy (no channel) or a channel's own; If-Match is honoured when sent. */
    async putPolicy(trx: Trx, ctx: Ctx, channelCode: string | undefined, input: PutPolicyBody, ifMatch?: number): Promise<ReturnPolicyView> {
      const channel = channelCode === undefined ? undefined : await d.channels.getByCode(trx, channelCode)
      const channelId = channel?.id ?? DEFAULT
      let returnLocationId: string | null = null
      if (input.returnLocation !== null) {
        const location = (await d.locations.listAll(trx)).find((l) => l.code === input.returnLocation)
        if (!location) throw invalid('return_policy.unknown_location', `No location "${input.returnLocation}".`, [{ path: 'returnLocation', message: 'unknown location' }])
        returnLocationId = location.id
      }
      const existing = await row(trx, channelId)
      if (existing && ifMatch !== undefined && ifMatch !== existing.version) throw versionMismatch(existing.version)
      const at = ctx.clock.now().toISOString()
      const next: PolicyRow = {
        channelId,
        windowDays: input.windowDays,
        nonReturnableSkus: JSON.stringify(input.nonReturnableSkus),
        restockingFeePpm: input.restockingFeePpm,
        returnShippingPaidBy: input.returnShippingPaidBy,
        returnLocationId,
        autoAuthorize: input.autoAuthorize ? 1 : 0,
        autoAuthorizeMaxAmount: input.autoAuthorizeMaxValue?.amount ?? null,
        autoAuthorizeMaxCurrency: input.autoAuthorizeMaxValue?.currency ?? null,
        refundShipping: input.refundShipping,
        resolutions: JSON.stringify(input.resolutions),
        version: (existing?.version ?? 0) + 1,
        updatedAt: at,
      }
      if (existing) {
        const r = await trx.updateTable('returnPolicies').set(next).where('channelId', '=', channelId).where('version', '=', existing.version).executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw versionMismatch(existing.version + 1)
      } else {
        await trx.insertInto('returnPolicies').values(next).execute()
      }
      await recordEvent(trx, ctx, { type: 'return_policy.updated', entity: 'return_policy', entityId: channel?.code ?? 'default', data: { channel: channel?.code ?? null, ...input } })
      return view(trx, next, channel?.code ?? null, channel ? 'channel' : 'default')
    },

    /** A channel goes back to the default policy. */
    async deletePolicy(trx: Trx, ctx: Ctx, channelCode: string): Promise<void> {
      const channel = await d.channels.getByCode(trx, channelCode)
      const r = await trx.deleteFrom('returnPolicies').where('channelId', '=', channel.id).executeTakeFirst()
      if (Number(r.numDeletedRows) !== 1) throw notFound('return_policy', channelCode)
      await recordEvent(trx, ctx, { type: 'return_policy.removed', entity: 'return_policy', entityId: channel.code, data: { channel: channel.code } })
    },
  }
  return book
}

export type PolicyBook = ReturnType<typeof createPolicyBook>
