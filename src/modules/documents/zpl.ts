/*
 * ZPL II field data. A "^" or "~" anywhere in the stream starts a printer command, so user text
 * never reaches the printer raw: text fields go through ^FH with those characters (and the ^FH
 * escape character "_" itself) as hex escapes, and Code 128 data uses the symbology's own
 * invocation codes for them.
 */

const hex = (c: string) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`

/** Field data for `^FH^FD…^FS`: control characters become spaces; _, ^ and ~ become hex escapes. */
export function zplText(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/[_^~]/g, hex)
}

/** Field data inside a ^FB field block, where a backslash starts a line-break code: backslashes are doubled. */
export const zplBlockText = (s: string) => zplText(s).replace(/\\/g, '\\\\')

/** The characters Code 128 subset B takes only as invocation codes in ^BC data (ZPL II guide, table "Code 128 Invocation Characters"). */
const SUBSET_B_INVOCATION: Record<string, string> = { '>': '>0', '^': '><', '~': '>=' }

/** ^BC field data in subset B for printable ASCII (callers check that first), and its length in symbol characters. */
export function zplCode128(value: string): { data: string; symbols: number } {
  return { data: `>:${value.replace(/[>^~]/g, (c) => SUBSET_B_INVOCATION[c])}`, symbols: value.length }
}
