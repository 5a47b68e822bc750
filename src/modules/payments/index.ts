// Public surface of the payments module: payment providers, refunds, store credit (credit notes) and payment requests.
export { createPaymentService, type NewRefund, type PaymentService, type RefundOutcome } from './service.js'
export { paymentRoutes } from './routes.js'
export { createProviderRegistry, manualProvider, type PaymentProvider, type ProviderRegistry, type RefundRequest, type RefundResult } from './provider.js'
export {
  creditNoteSchema,
  paymentRequestSchema,
  refundPartSchema,
  refundSchema,
  REFUND_STATUSES,
  type CreditNote,
  type PaymentRequest,
  type Refund,
  type RefundPart,
  type RefundStatus,
} from './schema.js'
