/** Roles as DESIGN.md lists them; each grants a set of permissions. Routes name one permission. */
export const ROLES = ['admin', 'ops', 'warehouse', 'purchasing', 'finance', 'support', 'channel', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'catalog:read',
  'catalog:write',
  'locations:write',
  'channels:write',
  'customers:read',
  'customers:write',
  'inventory:read',
  'inventory:write',
  'inventory:plan',
  'orders:read',
  'orders:create',
  'orders:write',
  'holds:write',
  'routing:read',
  'routing:write',
  'fulfillment:read',
  'fulfillment:write',
  'shipping:read',
  'shipping:write',
  'tracking:write',
  'returns:read',
  'returns:write',
  'refunds:write',
  'exceptions:read',
  'exceptions:write',
  'events:read',
  'webhooks:manage',
  'notifications:manage',
  'keys:manage',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const READ: Permission[] = ['catalog:read', 'customers:read', 'inventory:read', 'orders:read', 'routing:read', 'fulfillment:read', 'shipping:read', 'returns:read', 'exceptions:read', 'events:read']

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  ops: PERMISSIONS.filter((p) => p !== 'keys:manage'),
  // The warehouse picks, packs, ships and closes the day (manifests); carriers' updates come in as tracking.
  // It receives and inspects returned parcels (returns:write), but pays nothing back.
  warehouse: [...READ, 'inventory:write', 'inventory:plan', 'locations:write', 'fulfillment:write', 'shipping:write', 'tracking:write', 'returns:write', 'exceptions:write'],
  purchasing: [...READ, 'catalog:write', 'inventory:plan'],
  finance: [...READ, 'holds:write', 'refunds:write', 'exceptions:write'],
  support: [...READ, 'customers:write', 'orders:create', 'orders:write', 'holds:write', 'tracking:write', 'returns:write', 'refunds:write', 'exceptions:write'],
  // A channel key is bound to one channel: it creates and reads that channel's orders and sees
  // the catalog and stock it sells from, nothing else.
  channel: ['catalog:read', 'inventory:read', 'orders:read', 'orders:create'],
  viewer: READ,
}

const granted = new Map(ROLES.map((r) => [r, new Set(ROLE_PERMISSIONS[r])]))

export const can = (role: Role, permission: Permission) => granted.get(role)?.has(permission) ?? false

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The permission a `/v1` route needs; a `/v1` route without one refuses to register.
     * `signed-in`: any authenticated caller (e.g. "who am I").
     */
    permission?: Permission | 'signed-in'
    /** A `/v1` route anyone may call without credentials (signing in). */
    public?: boolean
  }
}
