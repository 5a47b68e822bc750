// Kysely types of the tables the notifications module owns (filled in as its migration lands).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NotificationsTables {}
