// Kysely types of the tables the webhooks module owns (filled in as its migration lands).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebhooksTables {}
