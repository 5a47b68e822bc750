/**
 * Box suggestion for packing a fulfillment order: first-fit decreasing by volume over a box
 * catalog, opening the box with the least billable weight for what it will hold. A heuristic the
 * packer may override, not a 3-D packing proof: several items share a box by volume, while each
 * item alone must fit the box in some rotation.
 */

export interface Box {
  code: string
  innerLengthMm: number
  innerWidthMm: number
  innerHeightMm: number
  /** Gross: contents plus tare. */
  maxWeightGrams: number
  tareWeightGrams: number
  costMinor: number
}

export interface PackItem {
  sku: string
  quantity: number
  lengthMm: number
  widthMm: number
  heightMm: number
  weightGrams: number
  fragile: boolean
}

export interface SuggestBoxesInput {
  boxes: Box[]
  items: PackItem[]
  /** Carrier dimensional-weight divisor in cm³/kg; 5000 is the common international one. */
  dimDivisor?: number
  /** Protective padding kept on every side of a fragile item. */
  fragilePaddingMm?: number
}

export interface SuggestedPackage {
  box: Box
  items: { sku: string; quantity: number }[]
  /** Contents plus tare. */
  weightGrams: number
  /** The larger of actual and dimensional weight: what the carrier charges for. */
  billableWeightGrams: number
  instructions: string[]
}

export interface UnfittableItem {
  sku: string
  quantity: number
  /** `too_large`: no box takes it in any rotation; `too_heavy`: it fits only boxes it would overload. */
  reason: 'too_large' | 'too_heavy'
}

export interface BoxSuggestion {
  packages: SuggestedPackage[]
  unfittable: UnfittableItem[]
}

export const DEFAULT_DIM_DIVISOR = 5000
export const FRAGILE_PADDING_MM = 20

/** Dimensional weight in grams: mm³ / (cm³/kg) is grams, rounded up as carriers do. */
export function dimensionalWeightGrams(box: Box, dimDivisor = DEFAULT_DIM_DIVISOR): number {
  return Math.ceil((box.innerLengthMm * box.innerWidthMm * box.innerHeightMm) / dimDivisor)
}

export const boxVolumeMm3 = (box: Box) => box.innerLengthMm * box.innerWidthMm * box.innerHeightMm

const sortedDims = (a: number, b: number, c: number) => [a, b, c].sort((x, y) => y - x)

/** Some rotation of the item fits the box when its sorted sides each fit the box's sorted sides. */
export function fitsInSomeRotation(item: readonly number[], box: Box): boolean {
  const [a, b, c] = sortedDims(item[0], item[1], item[2])
  const [x, y, z] = sortedDims(box.innerLengthMm, box.innerWidthMm, box.innerHeightMm)
  return a <= x && b <= y && c <= z
}

/** One physical unit as the packer handles it: a fragile unit occupies its padded envelope. */
interface Unit {
  line: number
  sku: string
  dims: number[]
  volume: number
  weight: number
  fragile: boolean
}

interface OpenPackage {
  box: Box
  capacity: number
  volume: number
  weight: number
  units: Unit[]
}

const takes = (p: { box: Box; capacity: number; volume: number; weight: number }, u: Unit) =>
  fitsInSomeRotation(u.dims, p.box) && p.volume + u.volume <= p.capacity && p.weight + u.weight <= p.box.maxWeightGrams

export function suggestBoxes(input: SuggestBoxesInput): BoxSuggestion {
  const dimDivisor = input.dimDivisor ?? DEFAULT_DIM_DIVISOR
  const padding = input.fragilePaddingMm ?? FRAGILE_PADDING_MM
  const boxes = input.boxes

  const unfittable: UnfittableItem[] = []
  const units: Unit[] = []
  input.items.forEach((item, line) => {
    const quantity = Math.max(0, Math.trunc(item.quantity))
    if (quantity === 0) return
    const pad = item.fragile ? 2 * padding : 0
    const dims = [item.lengthMm + pad, item.widthMm + pad, item.heightMm + pad]
    const unit: Unit = { line, sku: item.sku, dims, volume: dims[0] * dims[1] * dims[2], weight: item.weightGrams, fragile: item.fragile }
    const empty = (box: Box) => ({ box, capacity: boxVolumeMm3(box), volume: 0, weight: box.tareWeightGrams })
    // Every unit of a line is alike, so one check tells whether the whole line can be packed.
    if (!boxes.some((b) => takes(empty(b), unit))) {
      const tooLarge = !boxes.some((b) => fitsInSomeRotation(dims, b) && unit.volume <= boxVolumeMm3(b))
      unfittable.push({ sku: item.sku, quantity, reason: tooLarge ? 'too_large' : 'too_heavy' })
      return
    }
    for (let i = 0; i < quantity; i++) units.push(unit)
  })
  // Decreasing: big units first leave the small ones to fill the gaps. Heavier first on a tie.
  units.sort((a, b) => b.volume - a.volume || b.weight - a.weight || a.line - b.line)

  const open: OpenPackage[] = []
  const place = (p: { volume: number; weight: number; units?: Unit[] }, u: Unit) => {
    p.volume += u.volume
    p.weight += u.weight
    p.units?.push(u)
  }

  for (let i = 0; i < units.length; i++) {
    const unit = units[i]
    const fit = open.find((p) => takes(p, unit))
    if (fit) {
      place(fit, unit)
      continue
    }
    open.push({ ...chooseBox(i), units: [] })
    place(open.at(-1)!, unit)
  }

  /**
   * The box to open for units[i]: replay first-fit for the units still to come with each candidate
   * appended, so we know what it would really hold. Most units wins (each parcel costs a base
   * charge), then the least billable weight, then the cheaper box.
   */
  function chooseBox(i: number): { box: Box; capacity: number; volume: number; weight: number } {
    let best: { box: Box; held: number; billable: number } | null = null
    for (const box of boxes) {
      const candidate = { box, capacity: boxVolumeMm3(box), volume: 0, weight: box.tareWeightGrams }
      if (!takes(candidate, units[i])) continue
      place(candidate, units[i])
      const others = open.map((p) => ({ box: p.box, capacity: p.capacity, volume: p.volume, weight: p.weight }))
      let held = 1
      for (let j = i + 1; j < units.length; j++) {
        const target = others.find((p) => takes(p, units[j])) ?? (takes(candidate, units[j]) ? candidate : undefined)
        if (!target) continue
        place(target, units[j])
        if (target === candidate) held++
      }
      const billable = Math.max(dimensionalWeightGrams(box, dimDivisor), candidate.weight)
      if (
        !best ||
        held > best.held ||
        (held === best.held && (billable < best.billable || (billable === best.billable && (box.costMinor < best.box.costMinor || (box.costMinor === best.box.costMinor && box.code < best.box.code)))))
      )
        best = { box, held, billable }
    }
    // A unit reaches here only if some box takes it alone (checked above).
    return { box: best!.box, capacity: boxVolumeMm3(best!.box), volume: 0, weight: best!.box.tareWeightGrams }
  }

  const packages = open.map((p): SuggestedPackage => {
    const counts = new Map<string, number>()
    for (const u of p.units) counts.set(u.sku, (counts.get(u.sku) ?? 0) + 1)
    return {
      box: p.box,
      items: [...counts].map(([sku, quantity]) => ({ sku, quantity })),
      weightGrams: p.weight,
      billableWeightGrams: Math.max(dimensionalWeightGrams(p.box, dimDivisor), p.weight),
      instructions: fragileInstructions(p.units.map((u) => ({ sku: u.sku, quantity: 1, fragile: u.fragile })), padding),
    }
  })
  return { packages, unfittable }
}

/** What the packer is told for the fragile items of one package (also for a box the packer chose). */
export function fragileInstructions(items: { sku: string; quantity: number; fragile: boolean }[], paddingMm = FRAGILE_PADDING_MM): string[] {
  const fragile = new Map<string, number>()
  for (const i of items) if (i.fragile && i.quantity > 0) fragile.set(i.sku, (fragile.get(i.sku) ?? 0) + i.quantity)
  const instructions = [...fragile].map(([sku, n]) => `Wrap ${n} × ${sku} in protective material, keeping ${paddingMm} mm of padding on every side`)
  if (fragile.size > 0) instructions.push('Fill the voids so nothing moves, and mark the box FRAGILE')
  return instructions
}
