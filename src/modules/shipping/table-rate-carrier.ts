import { z } from 'zod'
import type { Selectable } from 'kysely'
import { inTransaction } from '../../db/transaction.js'
import { countryCode } from '../../kernel/address.js'
import { AppError, invalid } from '../../kernel/errors.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { originOf, parcelsOf, placeOf, type AdapterEnv, type CarrierAdapter, type CreatedLabel } from './carrier-adapter.js'
import { quote } from './rate-card.js'
import type { CarrierLabelsTable } from './tables.js'
import { makeTrackingNumber } from './tracking-number.js'

const MAX_SERIAL = 99_999_999

export const tableRateSettingsSchema = z.object({
  trackingCountry: countryCode.optional().describe("Country part of the S10 numbers (the issuing operator's); defaults to the shipping location's country."),
})

const labelOf = (r: Selectable<CarrierLabelsTable>): CreatedLabel => ({
  trackingNumber: r.trackingNumber,
  packageTrackingNumbers: JSON.parse(r.packageTrackingNumbers) as string[],
  cost: { amount: r.costAmount, currency: r.costCurrency },
  reference: r.reference,
})

const liveLabel = (env: AdapterEnv, carrierId: string, key: string) =>
  env.db.selectFrom('carrierLabels').selectAll().where('carrierId', '=', carrierId).where('idempotencyKey', '=', key).where('voidedAt', 'is', null).executeTakeFirst()

/**
 * The built-in carrier: prices from the service's rate card and issues S10 numbers from a serial
 * per carrier, with nothing to call. Works offline, for an own fleet, a local courier paid by
 * table, or as the fallback when an integration is down.
 */
export const tableRateAdapter: CarrierAdapter = {
  code: 'table_rate',
  description: 'Prices from the rate card, issues S10 tracking numbers; no external calls.',
  settingsSchema: tableRateSettingsSchema,
  issuesTrackingNumbers: true,

  quote: (service, parcels, origin, destination, residential) => quote(service.rateCard, parcels, { origin, destination, residential }),

  async createLabel(env, req, service, idempotencyKey) {
    const carrier = service.carrier
    const prior = await liveLabel(env, carrier.id, idempotencyKey)
    if (prior) return labelOf(prior)
    const q = quote(service.rateCard, parcelsOf(req), { origin: originOf(req), destination: placeOf(req.destination), residential: req.residential })
    if (!q.ok) {
      throw invalid('shipping.service_unavailable', `${service.qualifiedCode} cannot ship this (${q.reason}).`, [{ path: 'serviceCode', message: q.reason }])
    }
    if (!carrier.trackingPrefix) throw new AppError(409, 'carrier.tracking_prefix_missing', `Carrier "${carrier.code}" has no trackingPrefix to number labels with.`)
    const country = tableRateSettingsSchema.parse(carrier.settings).trackingCountry ?? req.origin.address.country
    // A multi-package shipment gets a master number besides one per package (as a consignment and its pieces).
    const count = req.packages.length > 1 ? req.packages.length + 1 : 1
    try {
      return await inTransaction(env.db, async (trx) => {
        const row = await trx
          .updateTable('carriers')
          .set((eb) => ({ labelSerial: eb('labelSerial', '+', count) }))
          .where('id', '=', carrier.id)
          .where('labelSerial', '<=', MAX_SERIAL - count)
          .returning('labelSerial')
          .executeTakeFirst()
        if (!row) throw new AppError(409, 'carrier.tracking_serials_exhausted', `Carrier "${carrier.code}" has issued all S10 serials of prefix ${carrier.trackingPrefix}; give it a new prefix.`)
        const numbers = Array.from({ length: count }, (_, i) => makeTrackingNumber(carrier.trackingPrefix!, row.labelSerial - count + 1 + i, country))
        const label: CreatedLabel = {
          trackingNumber: numbers[0],
          packageTrackingNumbers: count === 1 ? numbers : numbers.slice(1),
          cost: { amount: q.amount, currency: q.currency },
          reference: numbers[0],
        }
        await trx
          .insertInto('carrierLabels')
          .values({
            id: newId('lbl'),
            carrierId: carrier.id,
            idempotencyKey,
            reference: label.reference,
            trackingNumber: label.trackingNumber,
            packageTrackingNumbers: JSON.stringify(label.packageTrackingNumbers),
            costAmount: label.cost.amount,
            costCurrency: label.cost.currency,
            voidedAt: null,
            createdAt: env.now.toISOString(),
          })
          .execute()
        return label
      })
    } catch (err) {
      // A concurrent retry with the same key bought it first: return that one.
      const twin = isUniqueViolation(err) ? await liveLabel(env, carrier.id, idempotencyKey) : undefined
      if (twin) return labelOf(twin)
      throw err
    }
  },

  async voidLabel(env, carrier, reference) {
    const issued = await env.db.selectFrom('carrierLabels').select('id').where('carrierId', '=', carrier.id).where('reference', '=', reference).executeTakeFirst()
    if (!issued) throw new AppError(404, 'shipping.label_not_found', `Carrier "${carrier.code}" issued no label "${reference}".`)
    // Already void is fine: a void is retried after a timeout, or follows a cancelled commit.
    await env.db.updateTable('carrierLabels').set({ voidedAt: env.now.toISOString() }).where('carrierId', '=', carrier.id).where('reference', '=', reference).where('voidedAt', 'is', null).execute()
  },
}
