/** The API's roles (see the README's table); people get every role but `channel`. */
export const ROLES = ['admin', 'ops', 'warehouse', 'purchasing', 'finance', 'support', 'channel', 'viewer']
export const USER_ROLES = ROLES.filter((r) => r !== 'channel')
