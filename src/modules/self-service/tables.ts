// Kysely types of the tables the self-service module owns (migration 2026-11-22T0016_feedback).

export interface OrderFeedbackTable {
  id: string
  /** One feedback per order (unique). */
  orderId: string
  orderNumber: string
  /** The order's sales channel, so a channel key sees only its own channel's feedback. */
  channelId: string
  /** 1–5. */
  rating: number
  comment: string | null
  /** Who gave it, as history rows name actors (`customer:<email>`). */
  givenBy: string
  version: number
  createdAt: string
  updatedAt: string
}

export interface SelfServiceSettingsTable {
  /** `link_secret`: signs the order-status links when ORDO_LINK_SECRET is unset. */
  name: string
  value: string
  createdAt: string
}

export interface SelfServiceTables {
  orderFeedback: OrderFeedbackTable
  selfServiceSettings: SelfServiceSettingsTable
}
