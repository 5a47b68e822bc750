import { z } from 'zod'

const days = z.coerce.number().int().min(0).max(365).default(3)

/** `ORDO_BACKORDER_ALERT_DAYS` (default 3): a backorder enters the queue once it has waited this long. */
export function exceptionSettings(source: Record<string, string | undefined> = process.env): { backorderAlertDays: number } {
  const parsed = days.safeParse(source.ORDO_BACKORDER_ALERT_DAYS || undefined)
  if (!parsed.success) throw new Error(`Invalid configuration:\n  ORDO_BACKORDER_ALERT_DAYS: ${parsed.error.issues[0].message}`)
  return { backorderAlertDays: parsed.data }
}
