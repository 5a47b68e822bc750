import { sql, type Selectable, type SqlBool } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledQuery } from '../../db/compiled.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import type { Clock } from '../../kernel/clock.js'
import type { Ctx } from '../../kernel/context.js'
import { AppError, conflict, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CreateProductBody, ListProductsQuery, Product, TaxCode, UpdateProductBody } from './schema.js'
import type { ProductsTable } from './tables.js'

type ProductRow = Selectable<ProductsTable>

const toProduct = (r: ProductRow, barcodes: string[]): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  barcodes,
  weightGrams: r.weightGrams,
  lengthMm: r.lengthMm,
  widthMm: r.widthMm,
  heightMm: r.heightMm,
  price: { amount: Number(r.priceAmount), currency: r.priceCurrency },
  taxCode: r.taxCode as TaxCode,
  active: r.active === 1,
  lotTracked: r.lotTracked === 1,
  fragile: r.fragile === 1,
  proofOnDelivery: r.proofOnDelivery === 1,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

/** `%text%` for LIKE, with the wildcards of the text itself escaped (both dialects use `escape '\'`). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

/** Keeps IN lists well below both databases' bound-parameter limits. */
const CHUNK = 1000
/** Every order looks its products up by SKU: compiled once per number of SKUs. */
const productsBySku = compiledQuery((db, p: { skus: string[] }) => db.selectFrom('products').selectAll().where('sku', 'in', p.skus))
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK))

/** 409 naming the taken barcodes; `errors[].path` points at each in the request (`barcodes.1`). */
const barcodeTaken = (barcodes: string[], input: string[], sku?: string) =>
  new AppError(
    409,
    'product.barcode_taken',
    barcodes.length === 1
      ? `Barcode "${barcodes[0]}" already belongs to ${sku ? `product "${sku}"` : 'another product'}.`
      : `One of the barcodes "${barcodes.join('", "')}" was just given to another product.`,
    barcodes.map((b) => ({ path: `barcodes.${input.indexOf(b)}`, message: `"${b}" is taken`, code: 'taken' })),
  )

/** `clock` times the product cache (tests move it on). */
export function createCatalogService(d: { clock: Clock }) {
  /** Barcodes of the given products, in their stored order. */
  async function barcodesOf(db: Db | Trx, productIds: string[]): Promise<Map<string, string[]>> {
    const byProduct = new Map<string, string[]>(productIds.map((id) => [id, []]))
    for (const ids of chunks(productIds)) {
      const rows = await db
        .selectFrom('productBarcodes')
        .select(['productId', 'barcode'])
        .where('productId', 'in', ids)
        .orderBy('productId')
        .orderBy('position')
        .execute()
      for (const r of rows) byProduct.get(r.productId)!.push(r.barcode)
    }
    return byProduct
  }

  async function withBarcodes(db: Db | Trx, rows: ProductRow[]): Promise<Product[]> {
    if (!rows.length) return []
    const barcodes = await barcodesOf(
      db,
      rows.map((r) => r.id),
    )
    return rows.map((r) => toProduct(r, barcodes.get(r.id) ?? []))
  }

  /** Refuses barcodes another product already has, naming the first one. */
  async function assertBarcodesFree(trx: Trx, barcodes: string[], productId?: string) {
    if (!barcodes.length) return
    let q = trx
      .selectFrom('productBarcodes')
      .innerJoin('products', 'products.id', 'productBarcodes.productId')
      .select(['productBarcodes.barcode', 'products.sku'])
      .where('productBarcodes.barcode', 'in', barcodes)
    if (productId) q = q.where('productBarcodes.productId', '<>', productId)
    const taken = await q.executeTakeFirst()
    if (taken) throw barcodeTaken([taken.barcode], barcodes, taken.sku)
  }

  async function insertBarcodes(trx: Trx, productId: string, barcodes: string[]) {
    if (!barcodes.length) return
    try {
      await trx
        .insertInto('productBarcodes')
        .values(barcodes.map((barcode, position) => ({ barcode, productId, position })))
        .execute()
    } catch (err) {
      // A concurrent request took one of them between our check and this insert.
      if (isUniqueViolation(err)) throw barcodeTaken(barcodes, barcodes)
      throw err
    }
  }

  // Products as order intake reads them (price, active, tax code, weight); unknown SKUs are never kept.
  const bySku = ttlCache<Product>(MASTER_DATA_TTL_MS, () => d.clock.now().getTime(), 100_000)

  async function findRow(db: Db | Trx, skuOrId: string): Promise<ProductRow | undefined> {
    const rows = await db
      .selectFrom('products')
      .selectAll()
      .where((eb) => eb.or([eb('sku', '=', skuOrId), eb('id', '=', skuOrId)]))
      .execute()
    // A SKU that happens to look like another product's id still means the SKU.
    return rows.find((r) => r.sku === skuOrId) ?? rows[0]
  }

  async function get(db: Db | Trx, skuOrId: string): Promise<Product> {
    const row = await findRow(db, skuOrId)
    if (!row) throw notFound('product', skuOrId)
    return (await withBarcodes(db, [row]))[0]
  }

  async function findByIds(db: Db | Trx, ids: string[]): Promise<Map<string, Product>> {
    const unique = [...new Set(ids)]
    const rows: ProductRow[] = []
    for (const part of chunks(unique)) rows.push(...(await db.selectFrom('products').selectAll().where('id', 'in', part).execute()))
    return new Map((await withBarcodes(db, rows)).map((p) => [p.id, p]))
  }

  return {
    async create(trx: Trx, ctx: Ctx, input: CreateProductBody): Promise<Product> {
      const at = ctx.clock.now().toISOString()
      bySku.clear()
      await assertBarcodesFree(trx, input.barcodes)
      const row: ProductRow = {
        id: newId('prd'),
        sku: input.sku,
        name: input.name,
        weightGrams: input.weightGrams,
        lengthMm: input.lengthMm,
        widthMm: input.widthMm,
        heightMm: input.heightMm,
        priceAmount: input.price.amount,
        priceCurrency: input.price.currency,
        taxCode: input.taxCode,
        active: input.active ? 1 : 0,
        lotTracked: input.lotTracked ? 1 : 0,
        fragile: input.fragile ? 1 : 0,
        proofOnDelivery: input.proofOnDelivery ? 1 : 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('products').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('product.sku_taken', `A product with SKU "${input.sku}" already exists.`)
        throw err
      }
      await insertBarcodes(trx, row.id, input.barcodes)
      await recordEvent(trx, ctx, { type: 'product.created', entity: 'product', entityId: row.id, data: { sku: row.sku } })
      return toProduct(row, input.barcodes)
    },

    /** Changes the named fields; `barcodes`, when given, replaces the whole list. `ifMatch` is the version the client read. */
    async update(trx: Trx, ctx: Ctx, skuOrId: string, input: UpdateProductBody, ifMatch?: number): Promise<Product> {
      const current = await findRow(trx, skuOrId)
      if (!current) throw notFound('product', skuOrId)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      if (input.barcodes) await assertBarcodesFree(trx, input.barcodes, current.id)
      bySku.clear()
      const patch = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.weightGrams !== undefined && { weightGrams: input.weightGrams }),
        ...(input.lengthMm !== undefined && { lengthMm: input.lengthMm }),
        ...(input.widthMm !== undefined && { widthMm: input.widthMm }),
        ...(input.heightMm !== undefined && { heightMm: input.heightMm }),
        ...(input.price !== undefined && { priceAmount: input.price.amount, priceCurrency: input.price.currency }),
        ...(input.taxCode !== undefined && { taxCode: input.taxCode }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(input.lotTracked !== undefined && { lotTracked: input.lotTracked ? 1 : 0 }),
        ...(input.fragile !== undefined && { fragile: input.fragile ? 1 : 0 }),
        ...(input.proofOnDelivery !== undefined && { proofOnDelivery: input.proofOnDelivery ? 1 : 0 }),
        updatedAt: ctx.clock.now().toISOString(),
      }
      let q = trx
        .updateTable('products')
        .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
        .where('id', '=', current.id)
      if (ifMatch !== undefined) q = q.where('version', '=', ifMatch)
      const result = await q.executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) throw versionMismatch((await get(trx, current.id)).version)
      if (input.barcodes) {
        await trx.deleteFrom('productBarcodes').where('productId', '=', current.id).execute()
        await insertBarcodes(trx, current.id, input.barcodes)
      }
      await recordEvent(trx, ctx, { type: 'product.updated', entity: 'product', entityId: current.id, data: { sku: current.sku, changes: input } })
      return get(trx, current.id)
    },

    async list(db: Db | Trx, query: ListProductsQuery): Promise<{ data: Product[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor)
      let q = db.selectFrom('products').selectAll()
      if (after) q = q.where('id', '>', after)
      if (query.q) {
        const pattern = containsPattern(query.q)
        q = q.where((eb) =>
          eb.or([sql<SqlBool>`lower(sku) like lower(${pattern}) escape '\\'`, sql<SqlBool>`lower(name) like lower(${pattern}) escape '\\'`]),
        )
      }
      if (query.active !== undefined) q = q.where('active', '=', query.active ? 1 : 0)
      if (query.barcode) q = q.where('id', 'in', db.selectFrom('productBarcodes').select('productId').where('barcode', '=', query.barcode))
      const rows = await q.orderBy('id').limit(query.limit + 1).execute()
      const { data, nextCursor } = toPage(rows, query.limit, (r) => r.id)
      return { data: await withBarcodes(db, data), nextCursor }
    },

    /** One product by SKU or by id; 404 `product.not_found`. */
    get,

    /**
     * Products by SKU (one query for the products, one for their barcodes), keyed by SKU; unknown
     * SKUs are absent. `barcodes: false` skips the barcode query and leaves `barcodes` empty, for
     * callers that never look at them (order intake: a query saved on every order), and answers
     * from the master-data cache where it can (below). The products returned are shared: read them, never change them.
     */
    async findBySkus(db: Db | Trx, skus: string[], opts?: { barcodes?: boolean }): Promise<Map<string, Product>> {
      const unique = [...new Set(skus)]
      const found = new Map<string, Product>()
      const cached = opts?.barcodes === false
      const missing: string[] = []
      for (const sku of unique) {
        const kept = cached ? bySku.peek(sku) : undefined
        if (kept) found.set(sku, kept)
        else missing.push(sku)
      }
      const rows: ProductRow[] = []
      for (const part of chunks(missing)) rows.push(...((await db.executeQuery(productsBySku(db, { skus: part }))).rows as ProductRow[]))
      const products = cached ? rows.map((r) => toProduct(r, [])) : await withBarcodes(db, rows)
      for (const p of products) {
        found.set(p.sku, p)
        if (cached) bySku.keep(p.sku, p)
      }
      return found
    },

    /** Products by id, keyed by id; unknown ids are absent. */
    findByIds,

    /** The product a scanned barcode identifies, if any. */
    async findByBarcode(db: Db | Trx, barcode: string): Promise<Product | undefined> {
      const row = await db
        .selectFrom('products')
        .innerJoin('productBarcodes', 'productBarcodes.productId', 'products.id')
        .selectAll('products')
        .where('productBarcodes.barcode', '=', barcode)
        .executeTakeFirst()
      return row ? (await withBarcodes(db, [row]))[0] : undefined
    },
  }
}

export type CatalogService = ReturnType<typeof createCatalogService>

