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

export interface AuthTables {
  apiKeys: ApiKeysTable
}
