// Kysely types of the tables the notifications module owns (migration 2026-11-22T0013_notifications).

export interface NotificationTemplatesTable {
  event: string
  /** A sales channel's code, or '' for the default of every channel. */
  channel: string
  subject: string
  textBody: string
  htmlBody: string
  enabled: number
  version: number
  updatedBy: string
  updatedAt: string
}

export interface NotificationsTable {
  id: string
  orderId: string
  eventId: string
  template: string
  /** How it is sent: `email`. */
  channel: string
  recipient: string
  subject: string
  textBody: string
  htmlBody: string
  status: string
  attempts: number
  nextAttemptAt: string | null
  lockedUntil: string | null
  lastError: string | null
  sentAt: string | null
  messageId: string | null
  createdAt: string
  updatedAt: string
}

export interface NotificationsTables {
  notificationTemplates: NotificationTemplatesTable
  notifications: NotificationsTable
}
