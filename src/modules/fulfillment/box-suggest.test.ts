import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { boxVolumeMm3, dimensionalWeightGrams, fitsInSomeRotation, suggestBoxes, type Box, type PackItem } from './box-suggest.js'

const box = (code: string, l: number, w: number, h: number, maxWeightGrams: number, tareWeightGrams: number, costMinor: number): Box => ({
  code, innerLengthMm: l, innerWidthMm: w, innerHeightMm: h, maxWeightGrams, tareWeightGrams, costMinor,
})
const item = (sku: string, quantity: number, l: number, w: number, h: number, weightGrams: number, fragile = false): PackItem => ({
  sku, quantity, lengthMm: l, widthMm: w, heightMm: h, weightGrams, fragile,
})
const S = box('S', 200, 150, 100, 5_000, 100, 50) // dim weight 600 g
const M = box('M', 300, 200, 150, 10_000, 200, 80) // 1,800 g
const L = box('L', 400, 300, 300, 20_000, 400, 150) // 7,200 g
const catalog = [L, S, M]

describe('box-suggest pieces', () => {
  it('dimensional weight is volume over the divisor, in grams, rounded up', () => {
    expect(dimensionalWeightGrams(M)).toBe(1_800) // 30 × 20 × 15 cm = 9,000 cm³ / 5000 = 1.8 kg
    expect(dimensionalWeightGrams(M, 6000)).toBe(1_500)
    expect(dimensionalWeightGrams(box('X', 1, 1, 7, 1, 0, 0))).toBe(1)
  })
  it('an item fits when some rotation of it does', () => {
    expect(fitsInSomeRotation([250, 50, 50], box('T', 60, 100, 300, 1, 0, 0))).toBe(true)
    expect(fitsInSomeRotation([250, 110, 50], box('T', 60, 100, 300, 1, 0, 0))).toBe(false)
  })
})

describe('suggestBoxes', () => {
  it('puts the whole order in the one box with the least billable weight that holds it', () => {
    const { packages, unfittable } = suggestBoxes({ boxes: catalog, items: [item('BOOK', 2, 220, 150, 30, 400), item('MUG', 1, 100, 100, 100, 300)] })
    expect(unfittable).toEqual([])
    expect(packages).toEqual([
      { box: M, items: [{ sku: 'MUG', quantity: 1 }, { sku: 'BOOK', quantity: 2 }], weightGrams: 1_300, billableWeightGrams: 1_800, instructions: [] },
    ])
  })

  it('bills the actual weight when it exceeds the dimensional weight, and respects the max weight', () => {
    const { packages } = suggestBoxes({ boxes: [S, M], items: [item('IRON', 3, 100, 100, 100, 4_000)] })
    // M holds two by weight (200 + 8,000 g); the third goes alone into the box that bills least for it.
    expect(packages.map((p) => [p.box.code, p.items, p.weightGrams, p.billableWeightGrams])).toEqual([
      ['M', [{ sku: 'IRON', quantity: 2 }], 8_200, 8_200],
      ['S', [{ sku: 'IRON', quantity: 1 }], 4_100, 4_100],
    ])
  })

  it('keeps padding around fragile items, which can push them into a bigger box, and says how to pack them', () => {
    const plain = suggestBoxes({ boxes: catalog, items: [item('VASE', 1, 180, 180, 80, 500)] })
    expect(plain.packages[0].box.code).toBe('M')
    const fragile = suggestBoxes({ boxes: catalog, items: [item('VASE', 1, 180, 180, 80, 500, true)] })
    expect(fragile.packages[0].box.code).toBe('L') // 220 × 220 × 120 with 20 mm each side
    expect(fragile.packages[0].instructions).toEqual([
      'Wrap 1 × VASE in protective material, keeping 20 mm of padding on every side',
      'Fill the voids so nothing moves, and mark the box FRAGILE',
    ])
    expect(suggestBoxes({ boxes: catalog, items: [item('VASE', 1, 180, 180, 80, 500, true)], fragilePaddingMm: 5 }).packages[0].box.code).toBe('M')
  })

  it('reports items that fit no box as values, and still packs the rest', () => {
    const { packages, unfittable } = suggestBoxes({
      boxes: catalog,
      items: [item('SOFA', 1, 2_000, 900, 800, 40_000), item('ANVIL', 2, 100, 100, 100, 25_000), item('PEN', 3, 150, 10, 10, 20)],
    })
    expect(unfittable).toEqual([
      { sku: 'SOFA', quantity: 1, reason: 'too_large' },
      { sku: 'ANVIL', quantity: 2, reason: 'too_heavy' },
    ])
    expect(packages.map((p) => [p.box.code, p.items])).toEqual([['S', [{ sku: 'PEN', quantity: 3 }]]])
  })

  it('returns nothing to pack for no items or zero quantities', () => {
    expect(suggestBoxes({ boxes: catalog, items: [item('A', 0, 10, 10, 10, 1)] })).toEqual({ packages: [], unfittable: [] })
  })
})

describe('suggestBoxes properties', () => {
  const boxArb = fc.record({
    innerLengthMm: fc.integer({ min: 50, max: 600 }),
    innerWidthMm: fc.integer({ min: 50, max: 600 }),
    innerHeightMm: fc.integer({ min: 50, max: 600 }),
    maxWeightGrams: fc.integer({ min: 500, max: 30_000 }),
    tareWeightGrams: fc.integer({ min: 0, max: 500 }),
    costMinor: fc.integer({ min: 0, max: 500 }),
  })
  const itemArb = fc.record({
    quantity: fc.integer({ min: 0, max: 6 }),
    lengthMm: fc.integer({ min: 1, max: 500 }),
    widthMm: fc.integer({ min: 1, max: 400 }),
    heightMm: fc.integer({ min: 1, max: 300 }),
    weightGrams: fc.integer({ min: 1, max: 12_000 }),
    fragile: fc.boolean(),
  })
  const input = fc.record({
    boxes: fc.array(boxArb, { minLength: 0, maxLength: 5 }).map((bs) => bs.map((b, i) => ({ ...b, code: `B${i}` }))),
    items: fc.array(itemArb, { maxLength: 6 }).map((is) => is.map((it, i) => ({ ...it, sku: `SKU${i}` }))),
    dimDivisor: fc.constantFrom(4000, 5000, 6000),
  })
  const padded = (it: PackItem) => (it.fragile ? 40 : 0)

  it('packs every unit exactly once or reports it unfittable', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { packages, unfittable } = suggestBoxes(i)
        const accounted = new Map<string, number>()
        for (const p of packages) for (const x of p.items) accounted.set(x.sku, (accounted.get(x.sku) ?? 0) + x.quantity)
        for (const u of unfittable) {
          expect(accounted.has(u.sku)).toBe(false) // a line is packed or unfittable, never both
          accounted.set(u.sku, u.quantity)
        }
        for (const it of i.items) expect(accounted.get(it.sku) ?? 0).toBe(it.quantity)
        for (const p of packages) expect(p.items.length).toBeGreaterThan(0)
      }),
    )
  })

  it('no package exceeds its box’s max weight, and weights add up', () => {
    fc.assert(
      fc.property(input, (i) => {
        const bySku = new Map(i.items.map((it) => [it.sku, it]))
        for (const p of suggestBoxes(i).packages) {
          const contents = p.items.reduce((s, x) => s + x.quantity * bySku.get(x.sku)!.weightGrams, 0)
          expect(p.weightGrams).toBe(p.box.tareWeightGrams + contents)
          expect(p.weightGrams).toBeLessThanOrEqual(p.box.maxWeightGrams)
          expect(p.billableWeightGrams).toBe(Math.max(p.weightGrams, dimensionalWeightGrams(p.box, i.dimDivisor)))
        }
      }),
    )
  })

  it('the volume of items in a box, padding included, never exceeds the box’s, and each fits in some rotation', () => {
    fc.assert(
      fc.property(input, (i) => {
        const bySku = new Map(i.items.map((it) => [it.sku, it]))
        for (const p of suggestBoxes(i).packages) {
          let volume = 0
          for (const x of p.items) {
            const it = bySku.get(x.sku)!
            const dims = [it.lengthMm, it.widthMm, it.heightMm].map((d) => d + padded(it))
            expect(fitsInSomeRotation(dims, p.box)).toBe(true)
            volume += x.quantity * dims[0] * dims[1] * dims[2]
          }
          expect(volume).toBeLessThanOrEqual(boxVolumeMm3(p.box))
          expect(p.instructions.length > 0).toBe(p.items.some((x) => bySku.get(x.sku)!.fragile))
        }
      }),
    )
  })
})
