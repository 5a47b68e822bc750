/** What a refund asks of a payment provider. */
export interface RefundRequest {
  /** The original payment's id at the provider (the order's `payment.reference`). */
  paymentReference: string | null
  amount: number
  currency: string
  /** The same key on every attempt: the provider pays a refund out once, however often it is asked. */
  idempotencyKey: string
  /** Why, or what a person did (the manual provider keeps it). */
  note?: string | null
}

export interface RefundResult {
  /** The provider's id of the refund. */
  reference: string
  /** `failed`: the provider refused it (declined, too old); nothing was paid out. */
  status: 'succeeded' | 'failed'
  message?: string
}

/**
 * A payment integration (a card acquirer, PayPal, a bank). Refunds run outside any database
 * transaction and must be idempotent by `idempotencyKey`. Throwing means "unknown outcome"
 * (network, timeout): the refund stays pending and is retried with the same key.
 */
export interface PaymentProvider {
  /** The key refunds name; orders whose `payment.method` equals it are refunded through it. */
  readonly code: string
  readonly description: string
  refund(req: RefundRequest): Promise<RefundResult>
}

/**
 * The built-in provider: money goes back by hand (bank transfer, cash, the shop's own back office),
 * and Ordo records that a person did it, with their note. Works offline; the reference is derived
 * from the idempotency key, so a retry records the same refund.
 */
export const manualProvider: PaymentProvider = {
  code: 'manual',
  description: 'Refunded by a person outside Ordo (bank transfer, cash, the payment back office); Ordo records it with a note.',
  refund: async (req) => ({ reference: `manual:${req.idempotencyKey}`, status: 'succeeded', ...(req.note ? { message: req.note } : {}) }),
}

/** Providers by code. `manual` is always there; integrations register theirs at start-up. */
export function createProviderRegistry(providers: PaymentProvider[] = []) {
  const byCode = new Map<string, PaymentProvider>()
  const registry = {
    register(provider: PaymentProvider) {
      byCode.set(provider.code, provider)
      return registry
    },
    get: (code: string): PaymentProvider | undefined => byCode.get(code),
    codes: () => [...byCode.keys()],
  }
  for (const p of providers) registry.register(p)
  return registry
}
export type ProviderRegistry = ReturnType<typeof createProviderRegistry>
