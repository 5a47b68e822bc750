/**
 * A small seeded pseudo-random generator (mulberry32), so the demo data set is the same for the
 * same seed on every machine. Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Random {
  private readonly next: () => number

  constructor(seed: number) {
    this.next = mulberry32(seed)
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next()
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(xs: readonly T[]): T {
    if (!xs.length) throw new Error('pick from an empty list')
    return xs[Math.floor(this.next() * xs.length)]
  }

  /** One item, each as likely as its weight. */
  weighted<T>(xs: readonly T[], weight: (x: T) => number): T {
    const total = xs.reduce((s, x) => s + weight(x), 0)
    let r = this.next() * total
    for (const x of xs) {
      r -= weight(x)
      if (r < 0) return x
    }
    return xs[xs.length - 1]
  }

  /** `n` different items (or all of them when there are fewer), each drawn as likely as its weight. */
  weightedDistinct<T>(xs: readonly T[], n: number, weight: (x: T) => number): T[] {
    const pool = [...xs]
    const out: T[] = []
    while (out.length < n && pool.length) {
      const x = this.weighted(pool, weight)
      out.push(x)
      pool.splice(pool.indexOf(x), 1)
    }
    return out
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs]
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[a[i], a[j]] = [a[j], a[i]]
    }
    return a
  }

  /** Digits as a string, e.g. for payment references. */
  digits(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 10)
    return s
  }

  /** Letters and digits, e.g. for payment provider ids. */
  token(n: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    let s = ''
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]
    return s
  }
}
