export interface ApiKeysTable {
  id: string
  name: string
  role: string
  channelId: string | null
  /** The first characters of the key, shown in listings so a person can tell keys apart. */
  prefix: string
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  keyHash: string
  createdAt: string
  revokedAt: string | null
}

export interface UsersTable {
  id: string
  /** Lower-cased; unique. */
  email: string
  name: string | null
  role: string
  /** `scrypt$N$r$p$salt$hash` (base64url); never leaves the service. */
  passwordHash: string
  active: number
  lastSignInAt: string | null
  createdAt: string
  updatedAt: string
}

export interface SessionsTable {
  id: string
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  tokenHash: string
  userId: string
  csrfToken: string
  createdAt: string
  /** Slides forward while the session is used. */
  expiresAt: string
  revokedAt: string | null
}

export interface AuthTables {
  apiKeys: ApiKeysTable
  users: UsersTable
  sessions: SessionsTable
}
