import type { z } from 'zod'
import type { Db } from '../../db/connection.js'
import type { Money } from '../../kernel/money.js'
import type { ShipmentRequest } from './ports.js'
import type { Parcel, Place, Quote, RateCard } from './rate-card.js'

/** A carrier account as configured (`/v1/carriers`), with its adapter's settings parsed. */
export interface CarrierConfig {
  id: string
  code: string
  name: string
  adapter: string
  active: boolean
  settings: Record<string, unknown>
  /** S10 service indicator for carriers whose numbers Ordo issues (the built-in table-rate carrier). */
  trackingPrefix: string | null
}

/** One service of a carrier (e.g. DHL Paket, UPS Express Saver) with its rate card. */
export interface CarrierServiceConfig {
  id: string
  carrier: CarrierConfig
  code: string
  /** `<carrier>.<service>`: how rate shopping and label purchases name the service. */
  qualifiedCode: string
  name: string
  level: string
  rateCard: RateCard
  active: boolean
}

/** What a carrier returns for a bought label. */
export interface CreatedLabel {
  /** The shipment's (master) number; the only package's number when there is one package. */
  trackingNumber: string
  /** One per package, in the request's package order. */
  packageTrackingNumbers: string[]
  cost: Money
  /** The carrier's id of the label, used to void it. */
  reference: string
}

/** What an adapter may use besides its arguments: Ordo's database (the built-in carrier keeps its labels there) and the time. */
export interface AdapterEnv {
  db: Db
  now: Date
}

/**
 * A carrier integration. Quotes are synchronous and local (contract rates from the service's rate
 * card, or the adapter's own table), because routing prices every candidate location per order;
 * labels and voids go to the carrier and run outside any database transaction.
 *
 * Contract for `createLabel`: the same `idempotencyKey` returns the same label (pass it to the
 * carrier's API, or remember it), except after the label was voided, when it buys a new one.
 * `voidLabel` must succeed when the label is already void.
 */
export interface CarrierAdapter {
  /** The key `carriers.adapter` names. */
  readonly code: string
  readonly description: string
  /** Checks a carrier's `settings` (API credentials, account numbers…); errors name `settings.<field>`. */
  readonly settingsSchema: z.ZodType<Record<string, unknown>>
  /** Whether carriers with this adapter must have an S10 tracking prefix (their numbers are issued by Ordo). */
  readonly issuesTrackingNumbers: boolean
  quote(service: CarrierServiceConfig, parcels: Parcel[], origin: Place, destination: Place, residential: boolean): Quote
  createLabel(env: AdapterEnv, req: ShipmentRequest, service: CarrierServiceConfig, idempotencyKey: string): Promise<CreatedLabel>
  voidLabel(env: AdapterEnv, carrier: CarrierConfig, reference: string): Promise<void>
}

/** Adapters by code. The built-in `table_rate` is always there; integrations register theirs at start-up. */
export function createAdapterRegistry(adapters: CarrierAdapter[] = []) {
  const byCode = new Map<string, CarrierAdapter>()
  const registry = {
    register(adapter: CarrierAdapter) {
      byCode.set(adapter.code, adapter)
      return registry
    },
    get: (code: string): CarrierAdapter | undefined => byCode.get(code),
    codes: () => [...byCode.keys()],
  }
  for (const a of adapters) registry.register(a)
  return registry
}
export type AdapterRegistry = ReturnType<typeof createAdapterRegistry>

/** A shipment's packages as rate cards price them (mm → cm). */
export const parcelsOf = (req: Pick<ShipmentRequest, 'packages'>): Parcel[] =>
  req.packages.map((p) => ({
    weightGrams: Math.max(1, p.weightGrams),
    ...(p.lengthMm > 0 && p.widthMm > 0 && p.heightMm > 0 ? { dimensionsCm: { length: p.lengthMm / 10, width: p.widthMm / 10, height: p.heightMm / 10 } } : {}),
  }))

/** An address or location as a rate card's place (nulls dropped). */
export function placeOf(a: { country: string; region?: string | null; postalCode?: string | null; latitude?: number | null; longitude?: number | null }): Place {
  return {
    country: a.country,
    ...(a.region ? { region: a.region } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    ...(a.latitude != null && a.longitude != null ? { latitude: a.latitude, longitude: a.longitude } : {}),
  }
}

/** The origin of a request: the location's address, with the location's coordinates. */
export const originOf = (req: Pick<ShipmentRequest, 'origin'>): Place =>
  placeOf({ ...req.origin.address, latitude: req.origin.latitude ?? req.origin.address.latitude, longitude: req.origin.longitude ?? req.origin.address.longitude })
