import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'

describe.each(DIALECTS)('users and console sessions on %s', (dialect) => {
  let t: TestApp
  const createUser = async (email: string, role = 'admin', password = 'correct horse') => {
    const r = await t.call('POST', '/v1/users', { body: { email, role, password, name: email.split('@')[0] } })
    expect(r.statusCode).toBe(201)
    return r.json()
  }
  /** Signs in and returns what a browser would keep: the cookie and the CSRF token. */
  const signIn = async (email: string, password = 'correct horse') => {
    const r = await t.call('POST', '/v1/session', { key: null, body: { email, password } })
    expect(r.statusCode).toBe(200)
    const cookie = r.cookies.find((c) => c.name === 'ordo_session')!
    return { cookie: `ordo_session=${cookie.value}`, csrf: r.json().csrfToken as string, body: r.json(), setCookie: cookie }
  }
  const asUser = (s: { cookie: string; csrf?: string }, method: string, url: string, body?: unknown, csrf = true) =>
    t.call(method, url, { key: null, body, headers: { cookie: s.cookie, ...(csrf && s.csrf ? { 'x-csrf-token': s.csrf } : {}) } })

  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('signs in with e-mail and password: an HttpOnly SameSite=Strict cookie that works on the API like a key', async () => {
    await createUser('Anna@Example.com')
    const s = await signIn('anna@example.com')
    expect(s.setCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    // Plain http here: a Secure cookie would never come back.
    expect(s.setCookie.secure).toBeFalsy()
    expect(s.body.user).toMatchObject({ email: 'anna@example.com', role: 'admin', active: true, lastSignInAt: '2026-11-02T09:00:00.000Z' })
    expect(s.csrf).toMatch(/^[\w-]{40,}$/)

    const me = await asUser(s, 'GET', '/v1/session')
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ user: { email: 'anna@example.com' }, csrfToken: s.csrf })
    expect(me.json().permissions).toEqual(expect.arrayContaining(['orders:write', 'keys:manage']))
    expect((await asUser(s, 'GET', '/v1/orders')).statusCode).toBe(200)
    // A key is not a session.
    expect((await t.call('GET', '/v1/session')).statusCode).toBe(404)
  })

  it('answers a wrong password and an unknown e-mail with the same 401 and sets no cookie', async () => {
    await createUser('ben@example.com')
    const wrong = await t.call('POST', '/v1/session', { key: null, body: { email: 'ben@example.com', password: 'not his password' } })
    const unknown = await t.call('POST', '/v1/session', { key: null, body: { email: 'nobody@example.com', password: 'correct horse' } })
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401)
      expect(r.json().code).toBe('auth.invalid_credentials')
      expect(r.cookies).toEqual([])
    }
    expect(wrong.json().detail).toBe(unknown.json().detail)
    expect((await t.call('GET', '/v1/orders', { key: null, headers: { cookie: 'ordo_session=made-up' } })).statusCode).toBe(401)
  })

  it('refuses a cookie write without the CSRF header; API keys need none', async () => {
    const s = await signIn('anna@example.com')
    const body = { code: 'web', name: 'Web shop', type: 'web' }
    const none = await asUser(s, 'POST', '/v1/channels', body, false)
    expect(none.statusCode).toBe(403)
    expect(none.json().code).toBe('auth.csrf')
    const forged = await asUser({ cookie: s.cookie, csrf: 'x'.repeat(s.csrf.length) }, 'POST', '/v1/channels', body)
    expect(forged.json().code).toBe('auth.csrf')
    // Another session's token does not fit this one either.
    const other = await signIn('anna@example.com')
    expect((await asUser({ cookie: s.cookie, csrf: other.csrf }, 'POST', '/v1/channels', body)).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/channels')).json().data).toEqual([])

    const ok = await asUser(s, 'POST', '/v1/channels', body)
    expect(ok.statusCode).toBe(201)
    expect((await t.call('POST', '/v1/channels', { body: { code: 'pos', name: 'Shop', type: 'pos' } })).statusCode).toBe(201)
    // The person is on the record, by e-mail.
    const feed = (await t.call('GET', '/v1/events?limit=500')).json().data
    expect(feed.find((e: { type: string; entityId: string }) => e.type === 'channel.created' && e.entityId === ok.json().id).actor).toBe('user:anna@example.com')
  })

  it('signs out: the cookie is cleared and the session is dead', async () => {
    const s = await signIn('anna@example.com')
    expect((await asUser(s, 'DELETE', '/v1/session', undefined, false)).statusCode).toBe(403)
    const out = await asUser(s, 'DELETE', '/v1/session')
    expect(out.statusCode).toBe(204)
    expect(out.cookies.find((c) => c.name === 'ordo_session')?.value).toBe('')
    expect((await asUser(s, 'GET', '/v1/orders')).statusCode).toBe(401)
  })

  it('expires a session 12 hours after its last use, and keeps a used one alive', async () => {
    const idle = await signIn('anna@example.com')
    const busy = await signIn('anna@example.com')
    t.clock.advance(8 * 3600_000)
    expect((await asUser(busy, 'GET', '/v1/orders')).statusCode).toBe(200)
    t.clock.advance(5 * 3600_000)
    expect((await asUser(idle, 'GET', '/v1/orders')).statusCode).toBe(401)
    expect((await asUser(busy, 'GET', '/v1/orders')).statusCode).toBe(200)
  })

  it('refuses a disabled user at once, also on an open session; a new password ends old sessions', async () => {
    const carl = await createUser('carl@example.com', 'support')
    const s = await signIn('carl@example.com')
    const disabled = await t.call('PATCH', `/v1/users/${carl.id}`, { body: { active: false } })
    expect(disabled.json()).toMatchObject({ active: false })
    expect((await asUser(s, 'GET', '/v1/orders')).statusCode).toBe(401)
    expect((await t.call('POST', '/v1/session', { key: null, body: { email: 'carl@example.com', password: 'correct horse' } })).statusCode).toBe(401)

    await t.call('PATCH', '/v1/users/carl@example.com', { body: { active: true } })
    const again = await signIn('carl@example.com')
    const reset = await t.call('PATCH', `/v1/users/${carl.id}`, { body: { password: 'battery staple' } })
    expect(reset.statusCode).toBe(200)
    expect((await asUser(again, 'GET', '/v1/orders')).statusCode).toBe(401)
    expect((await t.call('POST', '/v1/session', { key: null, body: { email: 'carl@example.com', password: 'correct horse' } })).statusCode).toBe(401)
    await signIn('carl@example.com', 'battery staple')
  })

  it("checks the user's role like a key's: a viewer reads but may not write, and only admins manage users", async () => {
    await createUser('vera@example.com', 'viewer')
    const s = await signIn('vera@example.com')
    expect(s.body.permissions).toContain('orders:read')
    expect(s.body.permissions).not.toContain('orders:write')
    expect((await asUser(s, 'GET', '/v1/channels')).statusCode).toBe(200)
    const denied = await asUser(s, 'POST', '/v1/channels', { code: 'app', name: 'App', type: 'app' })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().code).toBe('auth.forbidden')
    expect((await asUser(s, 'GET', '/v1/users')).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/users', { key: await t.keyFor('ops') })).statusCode).toBe(403)
  })

  it('never returns a password hash, and stores only a salted scrypt hash', async () => {
    const created = await createUser('dora@example.com', 'ops', 'a long passphrase')
    const listed = await t.call('GET', '/v1/users?limit=500')
    const session = await signIn('dora@example.com', 'a long passphrase')
    for (const body of [JSON.stringify(created), listed.body, JSON.stringify(session.body)]) {
      expect(body).not.toMatch(/scrypt|passwordHash|a long passphrase/)
    }
    const rows = await t.conn.db.selectFrom('users').select(['email', 'passwordHash']).execute()
    const dora = rows.find((r) => r.email === 'dora@example.com')!
    expect(dora.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    // Same password, another salt: another hash.
    await createUser('dora2@example.com', 'ops', 'a long passphrase')
    const twin = (await t.conn.db.selectFrom('users').select('passwordHash').where('email', '=', 'dora2@example.com').executeTakeFirstOrThrow()).passwordHash
    expect(twin).not.toBe(dora.passwordHash)
  })

  it('names bad fields, refuses a taken e-mail and the channel role, and never locks out the last admin', async () => {
    const bad = await t.call('POST', '/v1/users', { body: { email: 'not-an-email', role: 'channel', password: 'short' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password', 'role'])
    const taken = await t.call('POST', '/v1/users', { body: { email: 'ANNA@example.com', role: 'ops', password: 'long enough' } })
    expect(taken.statusCode).toBe(409)
    expect(taken.json()).toMatchObject({ code: 'user.email_taken', errors: [{ path: 'email' }] })

    // Anna is the only admin left active: she may not be demoted or disabled.
    const admins = (await t.call('GET', '/v1/users?active=true&limit=500')).json().data.filter((u: { role: string }) => u.role === 'admin')
    for (const u of admins.filter((u: { email: string }) => u.email !== 'anna@example.com')) await t.call('PATCH', `/v1/users/${u.id}`, { body: { active: false } })
    const demote = await t.call('PATCH', '/v1/users/anna@example.com', { body: { role: 'ops' } })
    expect(demote.statusCode).toBe(409)
    expect(demote.json().code).toBe('user.last_admin')
    expect((await t.call('PATCH', '/v1/users/anna@example.com', { body: { active: false } })).statusCode).toBe(409)
    expect((await t.call('GET', '/v1/users/anna@example.com')).json()).toMatchObject({ role: 'admin', active: true })
  })

  it('slows down password guessing: the 11th try in a minute is a 429 with Retry-After', async () => {
    await createUser('eve@example.com')
    const tries = []
    for (let i = 0; i < 11; i++) tries.push((await t.call('POST', '/v1/session', { key: null, body: { email: 'eve@example.com', password: `guess ${i}` } })).statusCode)
    expect(tries.slice(0, 10).every((s) => s === 401)).toBe(true)
    const limited = await t.call('POST', '/v1/session', { key: null, body: { email: 'eve@example.com', password: 'correct horse' } })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBeDefined()
    // Someone else at the same address is not locked out by it.
    await signIn('anna@example.com')
  })
})
