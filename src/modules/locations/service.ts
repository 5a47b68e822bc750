import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import { conflict, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { Bin, CreateBinBody, CreateLocationBody, ListLocationsQuery, Location, LocationType, UpdateLocationBody } from './schema.js'
import type { BinsTable, LocationsTable } from './tables.js'

type LocationRow = Selectable<LocationsTable>

const toLocation = (r: LocationRow): Location => ({
  id: r.id,
  code: r.code,
  name: r.name,
  type: r.type as LocationType,
  address: JSON.parse(r.address) as Address,
  latitude: r.latitude,
  longitude: r.longitude,
  active: r.active === 1,
  priority: r.priority,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const toBin = (r: Selectable<BinsTable>): Bin => ({
  id: r.id,
  locationId: r.locationId,
  code: r.code,
  zone: r.zone,
  pickSequence: r.pickSequence,
  createdAt: r.createdAt,
})

/** What a location's owner must hear about: a location that stops shipping hands its open work on. Implemented by orders. */
export interface LocationListener {
  deactivated(trx: Trx, ctx: Ctx, location: Location): Promise<void>
}

export function createLocationService(d: { listener?: () => LocationListener } = {}) {
  // Allocation reads every location on every order; changes here clear it, other processes refresh within 2 s.
  const all = ttlCache<Location[]>(MASTER_DATA_TTL_MS)
  const get = async (db: Db | Trx, column: 'id' | 'code', value: string) => {
    const row = await db.selectFrom('locations').selectAll().where(column, '=', value).executeTakeFirst()
    if (!row) throw notFound('location', value)
    return toLocation(row)
  }

  return {
    async create(trx: Trx, ctx: Ctx, input: CreateLocationBody): Promise<Location> {
      const at = ctx.clock.now().toISOString()
      const row: LocationRow = {
        id: newId('loc'),
        code: input.code,
        name: input.name,
        type: input.type,
        address: JSON.stringify(input.address),
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        active: input.active ? 1 : 0,
        priority: input.priority,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('locations').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('location.code_taken', `A location with code "${input.code}" already exists.`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'location.created', entity: 'location', entityId: row.id, data: { code: row.code } })
      all.clear()
      return toLocation(row)
    },

    /** Changes the named fields; `ifMatch` is the version the client read (412 when stale). */
    async update(trx: Trx, ctx: Ctx, code: string, input: UpdateLocationBody, ifMatch?: number): Promise<Location> {
      all.clear()
      const current = await get(trx, 'code', code)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      const patch = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.type !== undefined && { type: input.type }),
        ...(input.address !== undefined && { address: JSON.stringify(input.address) }),
        ...(input.latitude !== undefined && { latitude: input.latitude }),
        ...(input.longitude !== undefined && { longitude: input.longitude }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(input.priority !== undefined && { priority: input.priority }),
        updatedAt: ctx.clock.now().toISOString(),
      }
      let q = trx
        .updateTable('locations')
        .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
        .where('id', '=', current.id)
      if (ifMatch !== undefined) q = q.where('version', '=', ifMatch)
      const result = await q.executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) throw versionMismatch((await get(trx, 'id', current.id)).version)
      await recordEvent(trx, ctx, { type: 'location.updated', entity: 'location', entityId: current.id, data: { code: current.code, changes: input } })
      all.clear()
      const updated = await get(trx, 'id', current.id)
      if (current.active && !updated.active) await d.listener?.().deactivated(trx, ctx, updated)
      return updated
    },

    async list(db: Db | Trx, query: ListLocationsQuery): Promise<{ data: Location[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor)
      let q = db.selectFrom('locations').selectAll()
      if (after) q = q.where('id', '>', after)
      if (query.type) q = q.where('type', '=', query.type)
      if (query.active !== undefined) q = q.where('active', '=', query.active ? 1 : 0)
      const rows = await q.orderBy('id').limit(query.limit + 1).execute()
      const { data, nextCursor } = toPage(rows, query.limit, (r) => r.id)
      return { data: data.map(toLocation), nextCursor }
    },

    getByCode: (db: Db | Trx, code: string) => get(db, 'code', code),
    getById: (db: Db | Trx, id: string) => get(db, 'id', id),

    /** Every location, active or not, in shipping preference order (priority, then code): what allocation chooses from. */
    listAll: (db: Db | Trx): Promise<Location[]> =>
      all.get('all', async () => (await db.selectFrom('locations').selectAll().orderBy('priority').orderBy('code').execute()).map(toLocation)),

    async createBin(trx: Trx, ctx: Ctx, locationCode: string, input: CreateBinBody): Promise<Bin> {
      const location = await get(trx, 'code', locationCode)
      const row = {
        id: newId('bin'),
        locationId: location.id,
        code: input.code,
        zone: input.zone ?? null,
        pickSequence: input.pickSequence,
        createdAt: ctx.clock.now().toISOString(),
      }
      try {
        await trx.insertInto('bins').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('bin.code_taken', `Location "${location.code}" already has a bin "${input.code}".`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'bin.created', entity: 'bin', entityId: row.id, data: { location: location.code, code: row.code } })
      return toBin(row)
    },

    /** The bins of a location in walking order: pick sequence, then code. */
    async listBins(db: Db | Trx, locationCode: string): Promise<Bin[]> {
      const location = await get(db, 'code', locationCode)
      const rows = await db.selectFrom('bins').selectAll().where('locationId', '=', location.id).orderBy('pickSequence').orderBy('code').execute()
      return rows.map(toBin)
    },

    async findBin(db: Db | Trx, locationId: string, binCode: string): Promise<Bin | undefined> {
      const row = await db.selectFrom('bins').selectAll().where('locationId', '=', locationId).where('code', '=', binCode).executeTakeFirst()
      return row && toBin(row)
    },
  }
}

export type LocationService = ReturnType<typeof createLocationService>
