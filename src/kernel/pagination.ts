import { z } from 'zod'
import { AppError } from './errors.js'

/** `?limit=&cursor=`: lists are ordered by id (time-sortable), the cursor is the last id seen. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500 (default 50).'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
})
export type PageQuery = z.infer<typeof pageQuery>

export const page = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.') })

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined
  const value = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!value || !/^[\w:.\-]+$/.test(value)) {
    throw new AppError(400, 'request.invalid_cursor', 'The cursor is not one this API returned.', [{ path: 'cursor', message: 'invalid cursor' }])
  }
  return value
}

/** Given limit+1 rows fetched, returns the page and the cursor of its last row. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => string): { data: T[]; nextCursor: string | null } {
  const more = rows.length > limit
  const data = more ? rows.slice(0, limit) : rows
  return { data, nextCursor: more ? encodeCursor(key(data[data.length - 1])) : null }
}
