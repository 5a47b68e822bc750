import type { PrintAddress } from './types.js'

/*
 * Text as the printers can show it. PDF's standard fonts speak WinAnsi (Windows-1252) only and a
 * thermal printer's built-in font not much more, so every string is folded to that set first:
 * umlauts and ß stay, other Latin letters lose their accents, Cyrillic and Greek are transliterated,
 * and anything else becomes "?" instead of garbage.
 */

/** The 27 characters Windows-1252 places in 0x80–0x9F (the rest of Latin-1 maps to itself). */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ')

/** Letters that do not decompose into a base letter plus accents, and common Cyrillic and Greek ones. */
const TRANSLITERATION: Record<string, string> = {
  ł: 'l', đ: 'd', ħ: 'h', ı: 'i', ŀ: 'l', ŧ: 't', ĸ: 'k', ſ: 's', ŋ: 'ng', ĳ: 'ij', ǆ: 'dz',
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'yi',
  й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ў: 'u', ф: 'f', х: 'kh',
  ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', ђ: 'dj', ј: 'j', љ: 'lj',
  њ: 'nj', ћ: 'c', џ: 'dz', ѓ: 'gj', ќ: 'kj', ѕ: 'dz',
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x',
  ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
  '‐': '-', '‑': '-', '‒': '-', '―': '-', '−': '-', '′': "'", '″': '"', '⁄': '/',
}

const printable = (c: string) => {
  const code = c.codePointAt(0)!
  return (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c)
}

function foldChar(c: string): string {
  if (printable(c)) return c
  const lower = c.toLowerCase()
  const mapped = TRANSLITERATION[c] ?? TRANSLITERATION[lower]
  if (mapped !== undefined) return c === lower ? mapped : mapped.charAt(0).toUpperCase() + mapped.slice(1)
  const base = c.normalize('NFD').replace(/\p{M}+/gu, '')
  if (base !== c && base !== '') return [...base].map(foldChar).join('')
  if (/\s/u.test(c)) return ' '
  if (/\p{C}/u.test(c)) return ''
  return '?'
}

/** `s` in characters Windows-1252 can print: Müller, Łódź → Lodz, Москва → Moskva, 北京 → ??. */
export function winAnsi(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s
  return [...s.normalize('NFC')].map(foldChar).join('')
}

/** A copy of plain data with every string folded by `winAnsi`: renderers fold their input once. */
export function foldStrings<T>(value: T): T {
  if (typeof value === 'string') return winAnsi(value) as T
  if (Array.isArray(value)) return value.map(foldStrings) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldStrings(v)])) as T
  }
  return value
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' })

/** English country name in capitals, as the UPU asks for the last line of an address. */
function countryName(code: string): string {
  try {
    return (countryNames.of(code.toUpperCase()) ?? code).toUpperCase()
  } catch {
    return code.toUpperCase()
  }
}

/** An address as printed lines, with the city line in the order the destination country writes it. */
export function addressLines(a: PrintAddress): string[] {
  const join = (...parts: (string | null | undefined)[]) => parts.filter((p) => p && p.trim()).join(' ')
  const city =
    a.country === 'US' || a.country === 'CA'
      ? [join(a.region ? `${a.city},` : a.city, a.region, a.postalCode)]
      : a.country === 'AU'
        ? [join(a.city, a.region, a.postalCode)]
        : a.country === 'GB' || a.country === 'IE'
          ? [join(a.city, a.region), join(a.postalCode)]
          : [join(a.postalCode, a.city, a.region)]
  return [a.name, a.company, a.line1, a.line2, ...city, countryName(a.country)].filter((l): l is string => !!l && l.trim() !== '')
}

/** 1250 → "1.25 kg". */
export const formatWeight = (grams: number) => `${(grams / 1000).toFixed(2)} kg`

/** "2026-11-22T14:05:09.000Z" → "2026-11-22 14:05 UTC"; a bare date or an unreadable value stays as it is. */
export function formatDateTime(iso: string): string {
  const t = iso.includes('T') ? new Date(iso) : undefined
  return t && !Number.isNaN(t.getTime()) ? `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso
}

/** The calendar day of a date or timestamp: "2026-11-22". */
export const formatDate = (iso: string) => iso.slice(0, 10)
