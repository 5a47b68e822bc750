import { monotonicFactory } from 'ulidx'

const ulid = monotonicFactory()

/** Prefixed, time-sortable ids (`ord_01J…`): new rows append at the end of the B-tree. */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`
}
