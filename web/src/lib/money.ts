/**
 * An amount a person typed ("4.95", "4,95", "12") as integer minor units (495, 1200), exactly: the
 * digits are read as text, never through a float. Null when it is not an amount with at most
 * `digits` decimals.
 */
export function toMinor(text: string, digits = 2): number | null {
  const m = new RegExp(`^(-?)(\\d{1,12})(?:[.,](\\d{0,${digits}}))?$`).exec(text.trim())
  if (!m) return null
  const minor = Number(m[2]) * 10 ** digits + Number((m[3] ?? '').padEnd(digits, '0') || 0)
  return m[1] ? -minor : minor
}

/** Parts per million as a percentage for people (150000 → "15", 149750 → "14.975"). */
export const ppmToPercent = (ppm: number) => String(ppm / 10_000)

/** A typed percentage as parts per million ("14.975" → 149750), exactly; null when it is not one. */
export const percentToPpm = (text: string) => toMinor(text, 4)
