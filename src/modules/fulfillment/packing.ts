/** The box catalog, box suggestions, packing, packing slips and putting unwanted picked units back. */
import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import type { Product } from '../catalog/index.js'
import { printAddress, type PackingSlipDoc } from '../documents/index.js'
import type { Movement } from '../inventory/index.js'
import { fragileInstructions, suggestBoxes, type Box, type BoxSuggestion } from './box-suggest.js'
import {
  foEvent,
  loadFo,
  packagesOf,
  saveFos,
  shapeAll,
  STAGING_BIN,
  takeLots,
  transition,
  type Fo,
  type FulfillmentDeps,
  type PackageContent,
  type PackageRow,
} from './fulfillment-orders.js'
import type { BoxSuggestionResult, CreatePackagingBody, FulfillmentOrder, PackBody, Packaging, UpdatePackagingBody } from './schema.js'
import type { PackagingTable } from './tables.js'

type PackagingRow = Selectable<PackagingTable>

const toPackaging = (r: PackagingRow): Packaging => ({
  id: r.id,
  code: r.code,
  name: r.name,
  innerLengthMm: r.innerLengthMm,
  innerWidthMm: r.innerWidthMm,
  innerHeightMm: r.innerHeightMm,
  maxWeightGrams: r.maxWeightGrams,
  tareWeightGrams: r.tareWeightGrams,
  cost: { amount: r.costAmount, currency: r.costCurrency },
  active: r.active === 1,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const toBox = (r: PackagingRow): Box => ({
  code: r.code,
  innerLengthMm: r.innerLengthMm,
  innerWidthMm: r.innerWidthMm,
  innerHeightMm: r.innerHeightMm,
  maxWeightGrams: r.maxWeightGrams,
  tareWeightGrams: r.tareWeightGrams,
  costMinor: r.costAmount,
})

/** Picked units not yet in a package, per product, in line order. */
function unpackedOf(f: Fo) {
  const bySku = new Map<string, { productId: string; quantity: number }>()
  for (const l of f.lines) {
    const q = l.pickedQty - l.packedQty
    if (q <= 0) continue
    const e = bySku.get(l.sku) ?? { productId: l.productId, quantity: 0 }
    e.quantity += q
    bySku.set(l.sku, e)
  }
  return bySku
}

export function createPacking(d: FulfillmentDeps) {
  const findPackaging = async (db: Db | Trx, code: string) => {
    const row = await db.selectFrom('packaging').selectAll().where('code', '=', code).executeTakeFirst()
    if (!row) throw notFound('packaging', code)
    return row
  }

  async function suggestFor(db: Db | Trx, f: Fo): Promise<{ suggestion: BoxSuggestion; items: { sku: string; quantity: number }[]; products: Map<string, Product> }> {
    const unpacked = unpackedOf(f)
    const [products, boxes] = await Promise.all([
      d.catalog.findByIds(
        db,
        [...unpacked.values()].map((u) => u.productId),
      ),
      db.selectFrom('packaging').selectAll().where('active', '=', 1).orderBy('code').execute(),
    ])
    const items = [...unpacked].map(([sku, u]) => {
      const p = products.get(u.productId)
      return { sku, quantity: u.quantity, lengthMm: p?.lengthMm ?? 0, widthMm: p?.widthMm ?? 0, heightMm: p?.heightMm ?? 0, weightGrams: p?.weightGrams ?? 0, fragile: p?.fragile ?? false }
    })
    return { suggestion: suggestBoxes({ boxes: boxes.map(toBox), items }), items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })), products }
  }

  return {
    async createPackaging(trx: Trx, ctx: Ctx, input: CreatePackagingBody): Promise<Packaging> {
      const at = ctx.clock.now().toISOString()
      const row: PackagingRow = {
        id: newId('box'),
        code: input.code,
        name: input.name,
        innerLengthMm: input.innerLengthMm,
        innerWidthMm: input.innerWidthMm,
        innerHeightMm: input.innerHeightMm,
        maxWeightGrams: input.maxWeightGrams,
        tareWeightGrams: input.tareWeightGrams,
        costAmount: input.cost.amount,
        costCurrency: input.cost.currency,
        active: input.active ? 1 : 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('packaging').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('packaging.code_taken', `A box "${input.code}" is already in the catalog.`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'packaging.created', entity: 'packaging', entityId: row.id, data: { code: row.code } })
      return toPackaging(row)
    },

    async listPackaging(db: Db, q: { active?: boolean }): Promise<Packaging[]> {
      let query = db.selectFrom('packaging').selectAll().orderBy('code')
      if (q.active !== undefined) query = query.where('active', '=', q.active ? 1 : 0)
      return (await query.execute()).map(toPackaging)
    },

    async getPackaging(db: Db, code: string): Promise<Packaging> {
      return toPackaging(await findPackaging(db, code))
    },

    async updatePackaging(trx: Trx, ctx: Ctx, code: string, input: UpdatePackagingBody, ifMatch?: number): Promise<Packaging> {
      const current = await findPackaging(trx, code)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      const next: PackagingRow = {
        ...current,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.innerLengthMm !== undefined && { innerLengthMm: input.innerLengthMm }),
        ...(input.innerWidthMm !== undefined && { innerWidthMm: input.innerWidthMm }),
        ...(input.innerHeightMm !== undefined && { innerHeightMm: input.innerHeightMm }),
        ...(input.maxWeightGrams !== undefined && { maxWeightGrams: input.maxWeightGrams }),
        ...(input.tareWeightGrams !== undefined && { tareWeightGrams: input.tareWeightGrams }),
        ...(input.cost !== undefined && { costAmount: input.cost.amount, costCurrency: input.cost.currency }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        version: current.version + 1,
        updatedAt: ctx.clock.now().toISOString(),
      }
      const { id, ...fields } = next
      const r = await trx.updateTable('packaging').set(fields).where('id', '=', id).where('version', '=', current.version).executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw versionMismatch((await findPackaging(trx, code)).version)
      await recordEvent(trx, ctx, { type: 'packaging.updated', entity: 'packaging', entityId: id, data: { code, changes: input } })
      return toPackaging(next)
    },

    /** Boxes for the picked units not yet packed: first-fit decreasing, least billable weight, fragile padding. */
    async boxSuggestion(db: Db, ref: string): Promise<BoxSuggestionResult> {
      const f = await loadFo(db, ref)
      const [{ suggestion, items }, boxes] = await Promise.all([suggestFor(db, f), db.selectFrom('packaging').select(['code', 'name']).execute()])
      const names = new Map(boxes.map((b) => [b.code, b.name]))
      return {
        fulfillmentOrderId: f.row.id,
        items,
        packages: suggestion.packages.map((p) => ({
          box: p.box.code,
          name: names.get(p.box.code) ?? p.box.code,
          items: p.items,
          weightGrams: p.weightGrams,
          billableWeightGrams: p.billableWeightGrams,
          instructions: p.instructions,
        })),
        unfittable: suggestion.unfittable,
      }
    },

    /**
     * Records packages. Their contents must come out of the picked units not yet packed (several
     * calls may share them out); the order is `packed` once none is left. Any box may be used: each
     * package records whether it is one the suggestion proposed.
     */
    async pack(trx: Trx, ctx: Ctx, ref: string, input: PackBody): Promise<FulfillmentOrder> {
      const f = await loadFo(trx, ref)
      const at = ctx.clock.now().toISOString()
      const existing = await packagesOf(trx, [f.row.id])
      const { suggestion, products } = await suggestFor(trx, f)
      const unpacked = unpackedOf(f)
      const codes = [...new Set(input.packages.flatMap((p) => (p.box ? [p.box] : [])))]
      const boxes = new Map((codes.length ? await trx.selectFrom('packaging').selectAll().where('code', 'in', codes).execute() : []).map((b) => [b.code, b]))
      const errors: FieldError[] = []
      const asked = new Map<string, { quantity: number; path: string }>()
      input.packages.forEach((p, i) => {
        if (p.box && !boxes.has(p.box)) errors.push({ path: `packages.${i}.box`, message: `no box "${p.box}" in the catalog` })
        p.contents.forEach((c, j) => {
          if (!f.lines.some((l) => l.sku === c.sku)) return errors.push({ path: `packages.${i}.contents.${j}.sku`, message: `${c.sku} is not on ${f.row.number}` })
          const a = asked.get(c.sku) ?? { quantity: 0, path: '' }
          asked.set(c.sku, { quantity: a.quantity + c.quantity, path: `packages.${i}.contents.${j}.quantity` })
        })
      })
      for (const [sku, a] of asked) {
        const left = unpacked.get(sku)?.quantity ?? 0
        if (a.quantity > left) errors.push({ path: a.path, message: `${a.quantity} unit(s) of ${sku} packed, but only ${left} picked unit(s) are left to pack` })
      }
      if (errors.length) throw invalid('fulfillment.contents_mismatch', `The packages do not match the picked units of ${f.row.number}: ${errors.map((e) => e.message).join('; ')}.`, errors)

      const all = [...unpacked].every(([sku, u]) => (asked.get(sku)?.quantity ?? 0) === u.quantity)
      const t = transition(f, all ? 'pack' : 'packPart', existing, at)
      const unused = [...suggestion.packages]
      const rows: PackageRow[] = input.packages.map((p) => {
        const contents: PackageContent[] = []
        for (const c of p.contents) {
          let need = c.quantity
          for (const line of f.lines) {
            if (need === 0) break
            if (line.sku !== c.sku) continue
            const take = Math.min(need, line.pickedQty - line.packedQty)
            if (take <= 0) continue
            const { taken, left } = takeLots(line.stagedLots, take)
            line.stagedLots = left
            line.packedQty += take
            need -= take
            contents.push({ lineId: line.id, orderLineId: line.orderLineId, productId: line.productId, sku: line.sku, quantity: take, lots: taken })
          }
        }
        const box = p.box ? boxes.get(p.box)! : undefined
        const product = (sku: string) => products.get(unpacked.get(sku)!.productId)
        // Followed: the same box with the same contents as one suggested package.
        const same = (items: { sku: string; quantity: number }[]) =>
          items.length === p.contents.length && items.every((i) => p.contents.filter((c) => c.sku === i.sku).reduce((s, c) => s + c.quantity, 0) === i.quantity)
        const match = box ? unused.findIndex((s) => s.box.code === box.code && same(s.items)) : -1
        if (match >= 0) unused.splice(match, 1)
        return {
          id: newId('pkg'),
          fulfillmentOrderId: f.row.id,
          boxCode: box?.code ?? null,
          lengthMm: box?.innerLengthMm ?? p.dimensions!.lengthMm,
          widthMm: box?.innerWidthMm ?? p.dimensions!.widthMm,
          heightMm: box?.innerHeightMm ?? p.dimensions!.heightMm,
          weightGrams: p.weightGrams ?? p.contents.reduce((s, c) => s + c.quantity * (product(c.sku)?.weightGrams ?? 0), box?.tareWeightGrams ?? 0),
          contents: JSON.stringify(contents),
          instructions: JSON.stringify(fragileInstructions(p.contents.map((c) => ({ sku: c.sku, quantity: c.quantity, fragile: product(c.sku)?.fragile ?? false })))),
          followedSuggestion: match >= 0 ? 1 : 0,
          shipmentId: null,
          trackingNumber: null,
          createdAt: at,
          updatedAt: at,
        }
      })
      await saveFos(trx, [f], at)
      await trx.insertInto('packages').values(rows).execute()
      await recordEvent(
        trx,
        ctx,
        foEvent(f, all ? 'fulfillment.packed' : 'fulfillment.partially_packed', {
          ...t,
          data: {
            packages: rows.map((r) => ({ id: r.id, box: r.boxCode, weightGrams: r.weightGrams, contents: input.packages[rows.indexOf(r)].contents, followedSuggestion: r.followedSuggestion === 1 })),
            followedSuggestion: rows.every((r) => r.followedSuggestion === 1),
          },
        }),
      )
      return (await shapeAll(trx, d.locations, [f]))[0]
    },

    /** Puts picked units the order no longer wants back from staging into a bin. */
    async putAway(trx: Trx, ctx: Ctx, ref: string, input: { bin?: string }): Promise<FulfillmentOrder> {
      const f = await loadFo(trx, ref)
      const lines = f.lines.filter((l) => l.putAwayQty > 0)
      if (!lines.length) throw conflict('fulfillment.nothing_to_put_away', `${f.row.number} has no picked units waiting to be put away.`)
      if (input.bin && !(await d.locations.findBin(trx, f.row.locationId, input.bin))) {
        throw invalid('fulfillment.unknown_bin', `The location of ${f.row.number} has no bin "${input.bin}".`, [{ path: 'bin', message: `no bin "${input.bin}"` }])
      }
      const at = ctx.clock.now().toISOString()
      const movements: Movement[] = []
      const moved: { sku: string; quantity: number }[] = []
      for (const l of lines) {
        // The latest-expiring units go back; the earliest stay for the packages still to come.
        const { taken, left } = takeLots(l.stagedLots, l.putAwayQty, true)
        for (const lot of taken) {
          const common = { productId: l.productId, locationId: f.row.locationId, kind: 'pick' as const, lot: lot.lot || null, refType: 'fulfillment_order', refId: f.row.id, reason: `put away from ${f.row.number}` }
          movements.push({ ...common, delta: lot.quantity, bin: input.bin ?? null, expiresOn: lot.expiresOn }, { ...common, delta: -lot.quantity, bin: STAGING_BIN })
        }
        moved.push({ sku: l.sku, quantity: l.putAwayQty })
        l.stagedLots = left
        l.putAwayQty = 0
      }
      await saveFos(trx, [f], at)
      await d.inventory.move(trx, ctx, movements)
      await recordEvent(trx, ctx, foEvent(f, 'fulfillment.put_away', { data: { bin: input.bin ?? null, lines: moved } }))
      return (await shapeAll(trx, d.locations, [f]))[0]
    },

    async packingSlipDoc(db: Db, ref: string): Promise<PackingSlipDoc> {
      const f = await loadFo(db, ref)
      const [packages, locations] = await Promise.all([packagesOf(db, [f.row.id]), d.locations.listAll(db)])
      const location = locations.find((l) => l.id === f.row.locationId)
      if (!location) throw new AppError(500, 'internal', `location ${f.row.locationId} is gone`)
      const instructions = [...new Set(packages.flatMap((p) => JSON.parse(p.instructions) as string[]))]
      return {
        fulfillmentNumber: f.row.number,
        orderNumber: f.row.orderNumber,
        orderDate: f.row.orderCreatedAt,
        from: { name: location.name, address: printAddress(location.address, location.address.name ?? location.name) },
        shipTo: printAddress(JSON.parse(f.row.shipTo) as Address),
        lines: f.lines.filter((l) => l.quantity > 0).map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
        packages: packages.map((p, i) => ({
          index: i + 1,
          boxCode: p.boxCode,
          weightGrams: p.weightGrams,
          contents: (JSON.parse(p.contents) as PackageContent[]).map((c) => ({ sku: c.sku, quantity: c.quantity })),
        })),
        instructions,
        notes: null,
      }
    },
  }
}
