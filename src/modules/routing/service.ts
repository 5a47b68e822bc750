import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledInsert } from '../../db/compiled.js'
import { writeBehind } from '../../db/write-behind.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import type { CatalogService } from '../catalog/index.js'
import type { ChannelService } from '../channels/index.js'
import { stockKey, type InventoryService } from '../inventory/index.js'
import type { Location, LocationService } from '../locations/index.js'
import type { ShippingService } from '../shipping/index.js'
import type { AllocationStrategy, CandidateLocation } from './allocate.js'
import { builtInCentroid, postalCodePrefixes, normalizePostalCode, type LocationSource } from './geo.js'
import { DEFAULT_POLICY, type RoutingPolicy } from './policy.js'
import type { DemandSource } from './ports.js'
import { compilePolicy, type CompiledPolicy, type PolicyRef } from './route.js'
import type { CentroidRow, ImportCentroidsResult, PolicyRecord, RoutingDecision, RoutingExplanation, RoutingTrigger, SimulateBody, SimulationReport } from './schema.js'
import { simulateRouting, type SimulatedOrder } from './simulate.js'
import type { RoutingPoliciesTable } from './tables.js'

export interface LocatableAddress {
  country: string
  region?: string | null
  postalCode?: string | null
  latitude?: number | null
  longitude?: number | null
}
export type Located = { latitude: number; longitude: number; source: LocationSource }

const DEFAULT_SCOPE = 'default'
const scopeOf = (channel: string | null) => (channel === null ? DEFAULT_SCOPE : `channel:${channel}`)

const toRecord = (r: Selectable<RoutingPoliciesTable>): PolicyRecord => {
  const channel = r.scope === DEFAULT_SCOPE ? null : r.scope.slice('channel:'.length)
  return { scope: channel === null ? 'default' : 'channel', channel, policy: JSON.parse(r.policy) as RoutingPolicy, version: r.version, updatedAt: r.updatedAt, updatedBy: r.updatedBy }
}
const BUILT_IN: PolicyRecord = { scope: 'default', channel: null, policy: DEFAULT_POLICY, version: 0, updatedAt: null, updatedBy: null }

/** A location as the strategy takes it. */
const candidateOf = (l: Location): CandidateLocation => ({
  id: l.id,
  code: l.code,
  active: l.active,
  priority: l.priority,
  latitude: l.latitude,
  longitude: l.longitude,
  type: l.type,
  country: l.address.country,
})

/** Routing policies, geocoding of destinations, routing decisions and the simulator. */
export function createRoutingService(d: {
  locations: LocationService
  catalog: CatalogService
  inventory: InventoryService
  shipping: ShippingService
  channels: ChannelService
  orders: () => DemandSource
}) {
  // Every order asks for its strategy: the stored policies are read at most every 2 s per
  // process (cleared at once by writes here), and compiled once per scope and version.
  const stored = ttlCache<Map<string, PolicyRecord>>(MASTER_DATA_TTL_MS)
  const compiled = new Map<string, CompiledPolicy>()
  const centroids = ttlCache<{ latitude: number; longitude: number } | null>(MASTER_DATA_TTL_MS)

  const allPolicies = (db: Db | Trx) =>
    stored.get('all', async () => new Map((await db.selectFrom('routingPolicies').selectAll().execute()).map((r) => [r.scope, toRecord(r)])))

  /** The override of a channel, else the default (stored, else built in). */
  const effective = (all: Map<string, PolicyRecord>, channel: string | null): PolicyRecord =>
    (channel !== null ? all.get(scopeOf(channel)) : undefined) ?? all.get(DEFAULT_SCOPE) ?? BUILT_IN

  function compiledFor(r: PolicyRecord): CompiledPolicy {
    const scope = scopeOf(r.channel)
    // updatedAt too: a deleted and re-created override starts again at version 1.
    const key = `${scope}@${r.version}@${r.updatedAt}`
    let c = compiled.get(key)
    if (!c) {
      if (compiled.size > 1_000) compiled.clear()
      c = compilePolicy(r.policy, { scope, version: r.version })
      compiled.set(key, c)
    }
    return c
  }

  /** Unknown location and channel codes in a policy, each with its path (422). */
  async function checkReferences(db: Db | Trx, policy: RoutingPolicy, prefix = ''): Promise<FieldError[]> {
    const known = new Set((await d.locations.listAll(db)).map((l) => l.code))
    const isChannel = async (code: string) => !!(await d.channels.getByCode(db, code).catch(() => undefined))
    const errors: FieldError[] = []
    for (const [i, rule] of policy.locations.entries()) {
      if (rule.code !== undefined && !known.has(rule.code)) errors.push({ path: `${prefix}locations.${i}.code`, message: `unknown location "${rule.code}"` })
      for (const [j, ch] of (rule.channels ?? []).entries()) {
        if (!(await isChannel(ch))) errors.push({ path: `${prefix}locations.${i}.channels.${j}`, message: `unknown channel "${ch}"` })
      }
    }
    policy.excludedLocations.forEach((code, i) => {
      if (!known.has(code)) errors.push({ path: `${prefix}excludedLocations.${i}`, message: `unknown location "${code}"` })
    })
    return errors
  }
  const refuse = (errors: FieldError[]) => invalid('routing.unknown_reference', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors)

  async function locate(db: Db | Trx, address: LocatableAddress): Promise<Located | null> {
    if (address.latitude != null && address.longitude != null) return { latitude: address.latitude, longitude: address.longitude, source: 'address' }
    const prefixes = address.postalCode ? postalCodePrefixes(address.postalCode) : []
    if (prefixes.length) {
      const hit = await centroids.get(`${address.country}|${prefixes[0]}`, async () => {
        const rows = await db
          .selectFrom('postalCentroids')
          .select(['postalCode', 'latitude', 'longitude'])
          .where('country', '=', address.country)
          .where('postalCode', 'in', prefixes)
          .execute()
        // The longest matching prefix is the most precise.
        const best = rows.sort((a, b) => b.postalCode.length - a.postalCode.length)[0]
        return best ? { latitude: best.latitude, longitude: best.longitude } : null
      })
      if (hit) return { ...hit, source: 'postal_code' }
    }
    return builtInCentroid(address.country, address.region)
  }

  return {
    /**
     * The strategy in force for an order of this channel (its override, else the default), with
     * shipping cost estimates from the rate cards. Its `allocate` is synchronous and pure.
     */
    async strategyFor(db: Db | Trx, q: { channelId: string | null }): Promise<AllocationStrategy> {
      const [channel, all, estimateCost] = await Promise.all([
        q.channelId ? d.channels.getById(db, q.channelId).then((c) => c.code) : null,
        allPolicies(db),
        d.shipping.costEstimator(db),
      ])
      return compiledFor(effective(all, channel)).strategy({ channel, estimateCost })
    },

    /**
     * Coordinates for an address: its own, else its postal code's centroid (`ordo geo import`),
     * else the centre of its region or country (built in); null when none is known.
     */
    locate,

    /** The default policy (the built-in one, version 0, until one is stored) and every channel override. */
    async policies(db: Db | Trx): Promise<{ default: PolicyRecord; channels: PolicyRecord[] }> {
      const all = await allPolicies(db)
      return {
        default: all.get(DEFAULT_SCOPE) ?? BUILT_IN,
        channels: [...all.values()].filter((r) => r.channel !== null).sort((a, b) => a.channel!.localeCompare(b.channel!)),
      }
    },

    /** The policy in force for a channel; `inherited` when the channel has no override. */
    async effectivePolicy(db: Db | Trx, channel: string): Promise<PolicyRecord & { inherited: boolean }> {
      await d.channels.getByCode(db, channel)
      const all = await allPolicies(db)
      const own = all.get(scopeOf(channel))
      return own ? { ...own, inherited: false } : { ...effective(all, null), inherited: true }
    },

    /** Stores the default policy (channel null) or a channel's override; `ifMatch` is the version read (0: none yet). */
    async putPolicy(trx: Trx, ctx: Ctx, channel: string | null, policy: RoutingPolicy, ifMatch?: number): Promise<{ record: PolicyRecord; created: boolean }> {
      stored.clear()
      if (channel !== null) await d.channels.getByCode(trx, channel)
      const errors = await checkReferences(trx, policy)
      if (errors.length) throw refuse(errors)
      const scope = scopeOf(channel)
      const current = await trx.selectFrom('routingPolicies').select('version').where('scope', '=', scope).executeTakeFirst()
      const currentVersion = current?.version ?? 0
      if (ifMatch !== undefined && ifMatch !== currentVersion) throw versionMismatch(currentVersion)
      const row = { scope, policy: JSON.stringify(policy), version: currentVersion + 1, updatedAt: ctx.clock.now().toISOString(), updatedBy: actorLabel(ctx.actor) }
      if (current) {
        const r = await trx.updateTable('routingPolicies').set(row).where('scope', '=', scope).where('version', '=', currentVersion).executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw versionMismatch(currentVersion + 1)
      } else {
        try {
          await trx.insertInto('routingPolicies').values(row).execute()
        } catch (err) {
          if (isUniqueViolation(err)) throw versionMismatch(1)
          throw err
        }
      }
      await recordEvent(trx, ctx, { type: 'routing_policy.updated', entity: 'routing_policy', entityId: scope, data: { channel, version: row.version, policy } })
      stored.clear()
      return { record: toRecord(row), created: !current }
    },

    /** Removes a channel's override: its orders follow the default again. */
    async deletePolicy(trx: Trx, ctx: Ctx, channel: string, ifMatch?: number): Promise<void> {
      stored.clear()
      const scope = scopeOf(channel)
      const current = await trx.selectFrom('routingPolicies').select('version').where('scope', '=', scope).executeTakeFirst()
      if (!current) throw notFound('routing_policy', channel)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      const r = await trx.deleteFrom('routingPolicies').where('scope', '=', scope).where('version', '=', current.version).executeTakeFirst()
      if (Number(r.numDeletedRows) !== 1) throw versionMismatch(current.version + 1)
      await recordEvent(trx, ctx, { type: 'routing_policy.deleted', entity: 'routing_policy', entityId: scope, data: { channel } })
      stored.clear()
    },

    /** Keeps a routing decision and its explanation on the order's record (in the caller's transaction). */
    async recordDecision(trx: Trx, ctx: Ctx, input: { orderId: string; trigger: RoutingTrigger; explanation: RoutingExplanation }): Promise<void> {
      const e = input.explanation
      const decision = {
        id: newId('rd'),
        orderId: input.orderId,
        trigger: input.trigger,
        decision: e.decision,
        policyScope: e.policy?.scope ?? null,
        policyVersion: e.policy?.version ?? null,
        explanation: JSON.stringify(e),
        createdBy: actorLabel(ctx.actor),
        createdAt: ctx.clock.now().toISOString(),
      }
      await writeBehind(trx, compiledInsert(trx, 'routingDecisions', [decision]))
    },

    /** An order's routing decisions, oldest first. */
    async decisions(db: Db, orderId: string): Promise<RoutingDecision[]> {
      const rows = await db.selectFrom('routingDecisions').selectAll().where('orderId', '=', orderId).orderBy('id').execute()
      return rows.map((r) => ({
        id: r.id,
        orderId: r.orderId,
        trigger: r.trigger as RoutingTrigger,
        decision: r.decision as RoutingDecision['decision'],
        policy: r.policyScope === null ? null : { scope: r.policyScope, version: r.policyVersion ?? 0 },
        explanation: JSON.parse(r.explanation) as RoutingExplanation,
        createdBy: r.createdBy,
        createdAt: r.createdAt,
      }))
    },

    /** Loads postal-code centroids (insert or update) in batches; rows are checked by the caller (CSV reader, API schema). */
    async importCentroids(trx: Trx, ctx: Ctx, rows: CentroidRow[]): Promise<ImportCentroidsResult> {
      // One statement may not name a key twice (PostgreSQL refuses): the last row of a key wins.
      const unique = new Map<string, CentroidRow>()
      for (const r of rows) {
        const postalCode = normalizePostalCode(r.postalCode)
        unique.set(`${r.country}|${postalCode}`, { ...r, postalCode })
      }
      const batch = [...unique.values()]
      for (let i = 0; i < batch.length; i += 500) {
        await trx
          .insertInto('postalCentroids')
          .values(batch.slice(i, i + 500))
          .onConflict((oc) => oc.columns(['country', 'postalCode']).doUpdateSet((eb) => ({ latitude: eb.ref('excluded.latitude'), longitude: eb.ref('excluded.longitude') })))
          .execute()
      }
      if (batch.length) {
        const countries = [...new Set(batch.map((r) => r.country))].sort()
        await recordEvent(trx, ctx, { type: 'postal_centroids.imported', entity: 'postal_centroids', entityId: countries.join(','), data: { rows: batch.length, countries } })
      }
      centroids.clear()
      return { loaded: batch.length, duplicates: rows.length - batch.length }
    },

    /**
     * Runs one policy, or two side by side, over given orders or a window of past ones, from the
     * stock available now (nothing is reserved), and reports what each would have done.
     */
    async simulate(db: Db, ctx: Ctx, input: SimulateBody): Promise<SimulationReport> {
      const errors: FieldError[] = []
      for (const [field, policy] of [['policy', input.policy], ['compare', input.compare]] as const) {
        if (policy) errors.push(...(await checkReferences(db, policy, `${field}.`)))
      }
      const channelIds = new Map<string, string>()
      const checkChannel = async (code: string, path: string) => {
        const ch = await d.channels.getByCode(db, code).catch(() => undefined)
        if (ch) channelIds.set(code, ch.id)
        else errors.push({ path, message: `unknown channel "${code}"` })
      }
      if (input.channel) await checkChannel(input.channel, 'channel')

      let orders: SimulatedOrder[]
      if (input.orders) {
        const products = await d.catalog.findBySkus(db, input.orders.flatMap((o) => o.lines.map((l) => l.sku)), { barcodes: false })
        for (const [i, o] of input.orders.entries()) {
          if (o.channel && !channelIds.has(o.channel)) await checkChannel(o.channel, `orders.${i}.channel`)
          o.lines.forEach((l, j) => {
            if (!products.has(l.sku)) errors.push({ path: `orders.${i}.lines.${j}.sku`, message: `unknown SKU "${l.sku}"` })
          })
        }
        if (errors.length) throw refuse(errors)
        orders = input.orders.map((o, i) => ({
          channel: o.channel ?? input.channel ?? null,
          destination: o.destination,
          lines: o.lines.map((l, j) => {
            const p = products.get(l.sku)!
            return { lineId: `${i}.${j}`, productId: p.id, quantity: l.quantity, weightGrams: p.weightGrams }
          }),
        }))
      } else {
        const w = input.window!
        if (w.channel) await checkChannel(w.channel, 'window.channel')
        if (errors.length) throw refuse(errors)
        const past = await d.orders().pastOrders(db, {
          createdFrom: w.createdFrom && new Date(w.createdFrom).toISOString(),
          // A date alone means up to the end of that day.
          createdTo: w.createdTo && (w.createdTo.length === 10 ? `${w.createdTo}T23:59:59.999Z` : new Date(w.createdTo).toISOString()),
          channelId: w.channel ? channelIds.get(w.channel) : undefined,
          limit: w.limit,
        })
        const codeOf = new Map<string, string>()
        for (const id of new Set(past.map((o) => o.channelId))) codeOf.set(id, (await d.channels.getById(db, id)).code)
        // Replayed in the order they arrived, each taking stock before the next.
        const replay = past.filter((o) => o.lines.length).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.orderNumber.localeCompare(b.orderNumber))
        orders = replay.map((o) => ({
          channel: codeOf.get(o.channelId) ?? null,
          destination: o.destination,
          lines: o.lines.map((l, j) => ({ lineId: `${o.orderNumber}.${j}`, productId: l.productId, quantity: l.quantity, weightGrams: l.weightGrams })),
        }))
      }

      // Destinations located once, as intake would (postal centroids, then region or country).
      for (const o of orders) {
        const at = await locate(db, o.destination)
        o.destination = { ...o.destination, latitude: at?.latitude ?? null, longitude: at?.longitude ?? null, source: at?.source ?? null }
      }
      const [locations, stock, estimateCost, all] = await Promise.all([
        d.locations.listAll(db),
        d.inventory.availability(db, orders.flatMap((o) => o.lines.map((l) => l.productId))),
        d.shipping.costEstimator(db),
        allPolicies(db),
      ])
      const candidates = locations.map(candidateOf)
      const available = (p: string, l: string) => stock.get(stockKey(p, l)) ?? 0

      const run = (label: 'policy' | 'compare', policy: RoutingPolicy | undefined) => {
        const inline = policy && compilePolicy(policy, { scope: 'inline', version: 0 })
        const strategies = new Map<string | null, AllocationStrategy>()
        const strategyFor = (channel: string | null) => {
          let s = strategies.get(channel)
          if (!s) strategies.set(channel, (s = (inline ?? compiledFor(effective(all, channel))).strategy({ channel, estimateCost })))
          return s
        }
        const ref: PolicyRef | null = inline ? inline.ref : null
        return { label, policy: ref, ...simulateRouting(orders, { strategyFor, locations: candidates, available, estimateCost }) }
      }
      const results = [run('policy', input.policy)]
      if (input.compare) results.push(run('compare', input.compare))
      return { simulatedAt: ctx.clock.now().toISOString(), source: input.orders ? 'inline' : 'window', orders: orders.length, stock: 'current', results }
    },
  }
}

export type RoutingService = ReturnType<typeof createRoutingService>
