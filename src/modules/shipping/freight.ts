import { formatMoney, type Money } from '../../kernel/money.js'

/** A shipping method's rule for the freight the customer pays (not what the carrier charges us). */
export interface FreightRule {
  currency: string
  flatAmount: number
  /** Per started kg of the shipment's total weight, on top of the flat amount. */
  perKgAmount: number
  /** Free when the order's merchandise value reaches this (same currency); null: never free. */
  freeOverAmount: number | null
}

export interface CustomerFreight extends Money {
  rule: 'free_over_threshold' | 'flat' | 'flat_plus_per_kg'
  detail: string
}


/** The freight charged to the customer for a shipment of `weightGrams`, by the method's rule. */
export function customerFreight(rule: FreightRule, weightGrams: number, merchandiseValue?: Money | null): CustomerFreight {
  const { currency } = rule
  if (rule.freeOverAmount !== null && merchandiseValue?.currency === currency && merchandiseValue.amount >= rule.freeOverAmount) {
    return { amount: 0, currency, rule: 'free_over_threshold', detail: `free: ${formatMoney(merchandiseValue.amount, currency)} reaches ${formatMoney(rule.freeOverAmount, currency)}` }
  }
  const kg = Math.ceil(weightGrams / 1000)
  const perKg = rule.perKgAmount * kg
  const unmet =
    rule.freeOverAmount === null
      ? ''
      : !merchandiseValue
        ? '; no merchandise value given for the free-shipping threshold'
        : merchandiseValue.currency !== currency
          ? `; merchandise value in ${merchandiseValue.currency} cannot meet a threshold in ${currency}`
          : `; below the free-shipping threshold of ${formatMoney(rule.freeOverAmount, currency)}`
  return perKg > 0
    ? { amount: rule.flatAmount + perKg, currency, rule: 'flat_plus_per_kg', detail: `${formatMoney(rule.flatAmount, currency)} + ${kg} kg × ${formatMoney(rule.perKgAmount, currency)}${unmet}` }
    : { amount: rule.flatAmount, currency, rule: 'flat', detail: `flat ${formatMoney(rule.flatAmount, currency)}${unmet}` }
}
