/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled, lines end in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  // A cell starting with = + - @ is run as a formula by spreadsheets: keep it text.
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Minor units as a plain decimal for spreadsheets (1999, 2 → "19.99"); never floats. */
export function decimal(minor: number, digits = 2): string {
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  if (digits === 0) return `${sign}${abs}`
  const s = String(abs).padStart(digits + 1, '0')
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`
}
