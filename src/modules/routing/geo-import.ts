import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'
import { centroidCsvReader } from './centroid-csv.js'
import type { CentroidRow } from './schema.js'
import type { RoutingService } from './service.js'

const BATCH = 5_000
const SKIPS_KEPT = 20

export interface CentroidFileImport {
  loaded: number
  duplicates: number
  skipped: number
  /** The first skipped rows, by line number. */
  skips: { line: number; reason: string }[]
}

/**
 * Streams a centroid CSV file into the database, one transaction per 5,000 rows (a file of a
 * million postal codes never sits in memory). `onProgress` gets bytes read, file size and rows loaded.
 */
export async function importCentroidFile(
  db: Db,
  routing: Pick<RoutingService, 'importCentroids'>,
  ctx: Ctx,
  file: string,
  opts: { delimiter?: string; onProgress?: (bytes: number, size: number, rows: number) => void } = {},
): Promise<CentroidFileImport> {
  const size = statSync(file).size
  const input = createReadStream(file)
  const read = centroidCsvReader(opts.delimiter)
  const result: CentroidFileImport = { loaded: 0, duplicates: 0, skipped: 0, skips: [] }
  let batch: CentroidRow[] = []
  const flush = async () => {
    if (!batch.length) return
    const rows = batch
    batch = []
    const r = await inTransaction(db, (trx) => routing.importCentroids(trx, ctx, rows))
    result.loaded += r.loaded
    result.duplicates += r.duplicates
    opts.onProgress?.(input.bytesRead, size, result.loaded)
  }
  let line = 0
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++
    const r = read(text)
    if (!r) continue
    if ('skipped' in r) {
      result.skipped++
      if (result.skips.length < SKIPS_KEPT) result.skips.push({ line, reason: r.skipped })
      continue
    }
    batch.push(r.row)
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  opts.onProgress?.(size, size, result.loaded)
  return result
}
