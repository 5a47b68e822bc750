import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { address, HAMBURG, orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import { seedCarriers } from '../../../test/shipping-fixtures.js'
import { deliverOrder } from '../../../test/delivered-order.js'
import { applyRate } from '../../kernel/money.js'
import { runChecks } from '../../check.js'
import type { PaymentProvider, RefundRequest } from '../payments/index.js'

const DAY = 86_400_000

describe.each(DIALECTS)('returns on %s', (dialect) => {
  let t: TestApp
  const post = (url: string, body?: unknown, opts: { headers?: Record<string, string>; key?: string } = {}) => t.call('POST', url, { body: body ?? {}, ...opts })
  const ok = async (method: string, url: string, body?: unknown) => {
    const r = await t.call(method, url, body === undefined ? {} : { body })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const level = async (sku: string, location: string) => (await ok('GET', `/v1/inventory?sku=${sku}&location=${location}`)).data[0]
  const checkClean = async () => expect((await runChecks(t.conn, t.app.services)).problems).toEqual([])
  /** A paid order on a channel, delivered to Hamburg. */
  const deliveredOrder = async (lines: { sku: string; quantity: number }[], over: Record<string, unknown> = {}) => {
    const order = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines, ...over }))
    await deliverOrder(t, order.number)
    const delivered = await ok('GET', `/v1/orders/${order.id}`)
    expect(delivered.fulfillmentStatus).toBe('delivered')
    return delivered
  }
  const lineOf = (ret: any, sku: string) => ret.lines.find((l: any) => l.sku === sku)

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await seedCarriers(t)
    for (const sku of ['TEE-BLK-M', 'MUG-WHT', 'BOOK-OMS']) await ok('POST', '/v1/inventory/adjustments', { sku, location: 'BER', bin: 'A-01', delta: 20, reason: 'test stock' })
    await stock(t, 'SCARCE-1', 'MUC', 5)
    // 30 days, 15 % restocking fee, customer pays return postage, returns go to Berlin; above 500 EUR a person decides.
    await ok('PUT', '/v1/return-policies', {
      windowDays: 30,
      nonReturnableSkus: ['BOOK-OMS'],
      restockingFeePpm: 150_000,
      returnShippingPaidBy: 'customer',
      returnLocation: 'BER',
      autoAuthorize: true,
      autoAuthorizeMaxValue: { amount: 50_000, currency: 'EUR' },
      refundShipping: 'when_full_return',
      resolutions: ['refund', 'replacement', 'exchange', 'store_credit'],
    })
  })
  afterAll(() => t.close())

  let orderA: any
  let rma: any

  it('authorizes a return in policy at once, with a free label for the merchant’s mistake; a retry with the same key is the same return', async () => {
    orderA = await deliveredOrder([
      { sku: 'TEE-BLK-M', quantity: 2 },
      { sku: 'MUG-WHT', quantity: 1 },
    ])
    const body = {
      order: orderA.number,
      lines: [
        { sku: 'TEE-BLK-M', quantity: 1, reason: 'no_longer_needed', resolution: 'refund' },
        { line: orderA.lines[1].id, quantity: 1, reason: 'damaged', comment: 'handle broke off', resolution: 'replacement' },
      ],
    }
    const r = await post('/v1/returns', body, { headers: { 'idempotency-key': 'rma-a-1' } })
    expect(r.statusCode).toBe(201)
    rma = r.json()
    expect(rma).toMatchObject({
      number: expect.stringMatching(/^RMA-\d+$/),
      status: 'authorized',
      order: { id: orderA.id, number: orderA.number },
      channel: 'web',
      location: { code: 'BER' },
      decision: { authorization: 'automatic', rule: 'auto_authorize' },
      terms: { windowDays: 30, restockingFeePpm: 150_000, returnShippingPaidBy: 'customer', refundShipping: 'when_full_return' },
    })
    // A damaged mug is our mistake: the merchant pays the label, from the customer to Berlin.
    expect(rma.label).toMatchObject({ paidBy: 'merchant', to: { location: 'BER' }, from: { city: 'Hamburg', name: 'Anna Schmidt' }, trackingNumber: expect.stringMatching(/^[A-Z]{2}\d{9}DE$/) })
    expect(rma.allowedActions).toEqual(expect.arrayContaining(['schedulePickup', 'markInTransit', 'receive', 'cancel']))
    expect(lineOf(rma, 'MUG-WHT')).toMatchObject({ quantity: 1, reason: 'damaged', comment: 'handle broke off', resolution: 'replacement' })

    const again = await post('/v1/returns', body, { headers: { 'idempotency-key': 'rma-a-1' } })
    expect([again.statusCode, again.json().id, again.json().label.trackingNumber]).toEqual([200, rma.id, rma.label.trackingNumber])
    const order = await ok('GET', `/v1/orders/${orderA.id}`)
    expect(order.lines.map((l: any) => [l.sku, l.returnRequestedQuantity])).toEqual([['TEE-BLK-M', 1], ['MUG-WHT', 1]])
    const timeline = (await ok('GET', `/v1/orders/${orderA.id}/events`)).data.map((e: any) => e.type)
    expect(timeline).toEqual(expect.arrayContaining(['return.requested', 'return.authorized', 'order.return_requested']))

    const pdf = await t.call('GET', `/v1/returns/${rma.number}/label.pdf`)
    expect([pdf.statusCode, pdf.headers['content-type'], pdf.rawPayload.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-'])
    const zpl = await t.call('GET', `/v1/returns/${rma.id}/label.zpl`)
    expect(zpl.body).toMatch(/^\^XA/)
    expect(zpl.body).toContain(rma.label.trackingNumber)
  })

  it('refuses out-of-policy lines with 422 naming the field and the rule: non-returnable SKU, too many units, outside the window', async () => {
    const order = await deliveredOrder([
      { sku: 'TEE-BLK-M', quantity: 1 },
      { sku: 'BOOK-OMS', quantity: 1 },
    ])
    const book = await post('/v1/returns', { order: order.number, lines: [{ sku: 'BOOK-OMS', quantity: 1, reason: 'no_longer_needed' }] })
    expect(book.statusCode).toBe(422)
    expect(book.json()).toMatchObject({ code: 'return.out_of_policy', errors: [{ path: 'lines.0.sku', code: 'non_returnable', message: 'BOOK-OMS cannot be returned under the policy' }] })
    const many = await post('/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 2, reason: 'size_fit' }] })
    expect(many.json().errors).toEqual([{ path: 'lines.0.quantity', code: 'exceeds_returnable', message: 'only 1 delivered unit(s) of TEE-BLK-M can still be returned' }])
    const unknown = await post('/v1/returns', { order: order.number, lines: [{ sku: 'MUG-WHT', quantity: 1, reason: 'size_fit' }, { sku: 'TEE-BLK-M', quantity: 1, reason: 'bored' }] })
    expect([unknown.statusCode, unknown.json().code, unknown.json().errors.map((e: any) => [e.path, e.code])]).toEqual([
      422,
      'return.invalid_request',
      [
        ['lines.0.sku', 'unknown_line'],
        ['lines.1.reason', 'unknown_reason'],
      ],
    ])
    const delivered = t.clock.now().toISOString().slice(0, 10)
    const now = t.clock.now()
    t.clock.advance(31 * DAY)
    try {
      const late = await post('/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'size_fit' }] })
      expect(late.statusCode).toBe(422)
      expect(late.json()).toMatchObject({
        code: 'return.out_of_policy',
        detail: expect.stringContaining('outside_window'),
        errors: [{ path: 'lines.0.quantity', code: 'outside_window', message: `outside the 30-day window, delivered ${delivered}` }],
      })
    } finally {
      t.clock.set(now)
    }
    // Nothing was recorded by the refusals.
    expect((await ok('GET', `/v1/returns?order=${order.number}`)).data).toEqual([])
    expect((await ok('GET', `/v1/orders/${order.id}`)).lines.every((l: any) => l.returnRequestedQuantity === 0)).toBe(true)
  })

  it('lives its whole life: pickup, transit, receipt at a location, inspection into stock and quarantine, resolution', async () => {
    const pickup = await ok('POST', `/v1/returns/${rma.id}/schedule-pickup`, { date: '2026-11-04' })
    expect(pickup).toMatchObject({ status: 'pickup_scheduled', pickup: { date: '2026-11-04', address: { city: 'Hamburg' } } })
    const past = await post(`/v1/returns/${rma.id}/schedule-pickup`, { date: '2026-11-01' })
    expect([past.statusCode, past.json().errors[0].path]).toEqual([422, 'date'])
    expect((await ok('POST', `/v1/returns/${rma.id}/in-transit`, {})).status).toBe('in_transit')
    const early = await post(`/v1/returns/${rma.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'new', disposition: 'restock' }] })
    expect([early.statusCode, early.json().code]).toEqual([409, 'return.invalid_transition'])

    const teeBefore = await level('TEE-BLK-M', 'BER')
    const mugBefore = await level('MUG-WHT', 'BER')
    const received = await ok('POST', `/v1/returns/${rma.number}/receive`, { location: 'BER' })
    expect(received).toMatchObject({ status: 'received', location: { code: 'BER' } })
    expect(received.lines.map((l: any) => l.receivedQuantity)).toEqual([1, 1])
    const order = await ok('GET', `/v1/orders/${orderA.id}`)
    expect(order.lines.map((l: any) => [l.sku, l.returnedQuantity])).toEqual([['TEE-BLK-M', 1], ['MUG-WHT', 1]])
    // Nothing enters stock before inspection.
    expect(await level('TEE-BLK-M', 'BER')).toEqual(teeBefore)

    const badBin = await post(`/v1/returns/${rma.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'opened', disposition: 'restock', bin: 'Z-99' }, { line: 'MUG-WHT', condition: 'damaged', disposition: 'quarantine' }] })
    expect([badBin.statusCode, badBin.json().errors[0].path]).toEqual([422, 'lines.0.bin'])
    const partial = await post(`/v1/returns/${rma.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'opened', disposition: 'restock' }] })
    expect([partial.statusCode, partial.json().errors[0].message]).toEqual([422, 'MUG-WHT: 1 received, 0 inspected'])
    const inspected = await ok('POST', `/v1/returns/${rma.id}/inspect`, {
      lines: [
        { line: 'TEE-BLK-M', condition: 'opened', disposition: 'restock', bin: 'A-01' },
        { line: 'MUG-WHT', condition: 'damaged', disposition: 'quarantine', note: 'cracked handle' },
      ],
    })
    expect(inspected.status).toBe('inspected')
    expect(lineOf(inspected, 'MUG-WHT').inspections).toEqual([expect.objectContaining({ condition: 'damaged', disposition: 'quarantine', heldQuantity: 1 })])
    // The restocked tee is available again; the quarantined mug is held apart, not for sale.
    expect(await level('TEE-BLK-M', 'BER')).toMatchObject({ onHand: teeBefore.onHand + 1, available: teeBefore.available + 1 })
    expect(await level('MUG-WHT', 'BER')).toEqual(mugBefore)
    const ledger = (await ok('GET', '/v1/inventory/ledger?sku=TEE-BLK-M&location=BER&kind=return')).data
    expect(ledger).toEqual([expect.objectContaining({ onHandDelta: 1, bin: 'A-01', refType: 'return', refId: rma.id })])
    const held = (await ok('GET', '/v1/returned-stock?location=BER')).data
    expect(held).toEqual([expect.objectContaining({ sku: 'MUG-WHT', disposition: 'quarantine', condition: 'damaged', quantity: 1, return: { id: rma.id, number: rma.number } })])
    await checkClean()

    const resolved = await ok('POST', `/v1/returns/${rma.id}/resolve`, { refund: { note: 'paid back by bank transfer' } })
    expect(resolved.status).toBe('resolved')
    const tee = lineOf(resolved, 'TEE-BLK-M')
    const fee = applyRate(tee.unitPaid, 150_000)
    expect(fee).toBeGreaterThan(0)
    expect(resolved.settlement.lines).toEqual([
      expect.objectContaining({ sku: 'TEE-BLK-M', resolution: 'refund', quantity: 1, value: tee.unitPaid, restockingFee: fee, refund: tee.unitPaid - fee }),
      expect.objectContaining({ sku: 'MUG-WHT', resolution: 'replacement', quantity: 1, restockingFee: 0, refund: 0 }),
    ])
    // The merchant paid the label and not every unit came back: no label fee, no freight.
    expect(resolved.refunds).toEqual([
      expect.objectContaining({ provider: 'manual', status: 'succeeded', amount: { amount: tee.unitPaid - fee, currency: 'EUR' }, note: 'paid back by bank transfer', providerReference: expect.stringMatching(/^manual:/) }),
    ])
    expect(resolved.refunds[0].breakdown.map((p: any) => [p.kind, p.amount])).toEqual([
      ['items', tee.unitPaid],
      ['restocking_fee', -fee],
    ])
    const after = await ok('GET', `/v1/orders/${orderA.id}`)
    expect(after.paymentStatus).toBe('partially_refunded')
    // The replacement is a linked zero-price order that went through routing like any other.
    const replacement = await ok('GET', `/v1/orders/${resolved.settlement.replacementOrder.id}`)
    expect(replacement).toMatchObject({ origin: { orderId: orderA.id, kind: 'replacement' }, totals: { total: 0 } })
    expect(replacement.lines).toEqual([expect.objectContaining({ sku: 'MUG-WHT', quantity: 1, allocations: [{ location: 'BER', quantity: 1 }] })])
    expect(['confirmed', 'on_hold']).toContain(replacement.status)
    expect((await ok('GET', `/v1/fulfillments?order=${replacement.number}`)).data).toHaveLength(1)
    const timeline = (await ok('GET', `/v1/orders/${orderA.id}/events`)).data.map((e: any) => e.type)
    expect(timeline).toEqual(expect.arrayContaining(['return.pickup_scheduled', 'return.in_transit', 'return.received', 'return.inspected', 'refund.created', 'refund.succeeded', 'order.refunded', 'return.resolved', 'order.replacement_created']))
    expect((await ok('GET', `/v1/refunds?order=${orderA.number}`)).data).toHaveLength(1)
    await checkClean()
  })

  it('releases quarantined units into stock later, through the ledger', async () => {
    const [held] = (await ok('GET', '/v1/returned-stock?sku=MUG-WHT')).data
    const before = await level('MUG-WHT', 'BER')
    const tooMany = await post(`/v1/returned-stock/${held.id}/release`, { quantity: 2, to: 'restock' })
    expect([tooMany.statusCode, tooMany.json().errors[0].path]).toEqual([422, 'quantity'])
    const released = await ok('POST', `/v1/returned-stock/${held.id}/release`, { quantity: 1, to: 'restock', bin: 'A-01', note: 'glued, as new' })
    expect(released.quantity).toBe(0)
    expect(await level('MUG-WHT', 'BER')).toMatchObject({ onHand: before.onHand + 1, available: before.available + 1 })
    expect((await ok('GET', '/v1/returned-stock?sku=MUG-WHT')).data).toEqual([])
    await checkClean()
  })

  it('pays everything back once the whole order came back: partially_refunded, then refunded with the freight', async () => {
    const order = await deliveredOrder(
      [
        { sku: 'TEE-BLK-M', quantity: 1 },
        { sku: 'MUG-WHT', quantity: 1 },
      ],
      { shippingAmount: 495 },
    )
    expect(order.totals.shipping).toBe(495)
    const life = async (sku: string) => {
      const r = await ok('POST', '/v1/returns', { order: order.number, lines: [{ sku, quantity: 1, reason: 'wrong_item', resolution: 'refund' }] })
      expect(r.status).toBe('authorized')
      await ok('POST', `/v1/returns/${r.id}/receive`, {})
      await ok('POST', `/v1/returns/${r.id}/inspect`, { lines: [{ line: sku, condition: 'new', disposition: 'restock' }] })
      return ok('POST', `/v1/returns/${r.id}/resolve`, {})
    }
    const first = await life('MUG-WHT')
    expect(first.settlement.refund.shipping).toBe(0)
    expect((await ok('GET', `/v1/orders/${order.id}`)).paymentStatus).toBe('partially_refunded')
    const second = await life('TEE-BLK-M')
    // A wrong item is our mistake: no restocking fee; the last unit back brings the freight with it.
    expect(second.settlement.refund.parts.map((p: any) => p.kind)).toEqual(['items', 'shipping'])
    expect(second.settlement.refund.shipping).toBe(495)
    const after = await ok('GET', `/v1/orders/${order.id}`)
    expect(after.paymentStatus).toBe('refunded')
    expect(first.settlement.refund.amount + second.settlement.refund.amount).toBe(after.payment.amount)
    await checkClean()
  })

  it('exchanges for a dearer SKU (a payment request) and gives store credit as a credit note', async () => {
    const order = await deliveredOrder([
      { sku: 'TEE-BLK-M', quantity: 1 },
      { sku: 'MUG-WHT', quantity: 1 },
    ])
    const r = await ok('POST', '/v1/returns', {
      order: order.number,
      lines: [
        { sku: 'TEE-BLK-M', quantity: 1, reason: 'size_fit', resolution: 'exchange', exchangeSku: 'SCARCE-1' },
        { sku: 'MUG-WHT', quantity: 1, reason: 'no_longer_needed', resolution: 'store_credit' },
      ],
    })
    // The customer pays return postage and asked for no label: they send it themselves.
    expect(r).toMatchObject({ status: 'authorized', label: null })
    expect(r.allowedActions).not.toContain('schedulePickup')
    const moving = await ok('POST', `/v1/returns/${r.id}/in-transit`, { trackingNumber: '1Z999AA10123456784' })
    expect(moving.trackingNumber).toBe('1Z999AA10123456784')
    await ok('POST', `/v1/returns/${r.id}/receive`, {})
    await ok('POST', `/v1/returns/${r.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'new', disposition: 'restock' }, { line: 'MUG-WHT', condition: 'opened', disposition: 'scrap' }] })
    const mugBefore = await level('MUG-WHT', 'BER')
    const resolved = await ok('POST', `/v1/returns/${r.id}/resolve`, {})
    expect(await level('MUG-WHT', 'BER')).toEqual(mugBefore)
    const tee = lineOf(resolved, 'TEE-BLK-M')
    const mug = lineOf(resolved, 'MUG-WHT')
    // SCARCE-1 (50.00 list) is valued as the tee was paid for (19.99 list): same tax and discount share.
    const value = Math.round((5000 * tee.unitPaid) / 1999)
    expect(resolved.settlement).toMatchObject({ refund: null, storeCredit: { amount: mug.unitPaid }, charge: { amount: value - tee.unitPaid } })
    expect(resolved.paymentRequests).toEqual([expect.objectContaining({ amount: { amount: value - tee.unitPaid, currency: 'EUR' }, status: 'open' })])
    const exchange = await ok('GET', `/v1/orders/${resolved.settlement.exchangeOrder.id}`)
    expect(exchange).toMatchObject({ origin: { kind: 'exchange' }, lines: [expect.objectContaining({ sku: 'SCARCE-1', quantity: 1, allocations: [{ location: 'MUC', quantity: 1 }] })] })
    expect(resolved.creditNotes).toEqual([expect.objectContaining({ number: expect.stringMatching(/^CN-\d+$/), amount: { amount: mug.unitPaid, currency: 'EUR' }, balance: { amount: mug.unitPaid, currency: 'EUR' } })])
    const credit = await ok('GET', `/v1/customers/${order.customer.id}/credit`)
    expect(credit.balances).toEqual([{ amount: mug.unitPaid, currency: 'EUR' }])
    expect((await ok('GET', `/v1/credit-notes?customer=${order.customer.id}`)).data.map((n: any) => n.number)).toEqual([resolved.creditNotes[0].number])
    // No money moved: the order's payment is untouched.
    expect((await ok('GET', `/v1/orders/${order.id}`)).paymentStatus).toBe('paid')
    await checkClean()
  })

  it('leaves a return for a person when the policy says so; rejected units can be asked back again', async () => {
    await ok('PUT', '/v1/return-policies/marketplace', { windowDays: 14, restockingFeePpm: 150_000, autoAuthorize: false, returnLocation: 'BER' })
    expect(await ok('GET', '/v1/return-policies/marketplace')).toMatchObject({ channel: 'marketplace', source: 'channel', windowDays: 14, autoAuthorize: false, returnLocation: 'BER' })
    expect(await ok('GET', '/v1/return-policies/web')).toMatchObject({ channel: 'web', source: 'default', windowDays: 30 })
    const order = await deliveredOrder([{ sku: 'TEE-BLK-M', quantity: 1 }], { channel: 'marketplace' })
    const body = { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'size_fit' }] }
    const r = await ok('POST', '/v1/returns', body)
    expect(r).toMatchObject({ status: 'requested', decision: { authorization: 'manual', rule: 'manual_authorization' }, lines: [{ resolution: 'refund' }] })
    expect(r.allowedActions).toEqual(['authorize', 'reject', 'cancel'])
    expect((await ok('GET', '/v1/returns?status=requested&channel=marketplace')).data.map((x: any) => x.id)).toEqual([r.id])
    expect((await ok('GET', '/v1/returns?reason=size_fit')).data.map((x: any) => x.id)).toContain(r.id)
    const first = await ok('GET', '/v1/returns?limit=1')
    const second = await ok('GET', `/v1/returns?limit=1&cursor=${first.nextCursor}`)
    expect([first.data[0].id, second.data[0].id.localeCompare(first.data[0].id)]).toEqual([r.id, -1])
    expect((await ok('GET', `/v1/returns?createdFrom=${t.clock.now().toISOString().slice(0, 10)}&status=requested`)).data.map((x: any) => x.id)).toEqual([r.id])
    const rejected = await ok('POST', `/v1/returns/${r.id}/reject`, { reason: 'worn' })
    expect(rejected).toMatchObject({ status: 'rejected', closeReason: 'worn', allowedActions: [] })
    expect((await ok('GET', `/v1/orders/${order.id}`)).lines[0].returnRequestedQuantity).toBe(0)
    const again = await ok('POST', '/v1/returns', body)
    // A person authorizes it and asks for a label the customer pays for.
    const authorized = await ok('POST', `/v1/returns/${again.id}/authorize`, { label: true, serviceCode: 'post.parcel' })
    expect(authorized.label).toMatchObject({ paidBy: 'customer', carrier: { code: 'post' }, cost: { amount: 450, currency: 'EUR' } })
    await ok('POST', `/v1/returns/${again.id}/receive`, {})
    await ok('POST', `/v1/returns/${again.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'new', disposition: 'restock' }] })
    const resolved = await ok('POST', `/v1/returns/${again.id}/resolve`, {})
    const unitPaid = resolved.lines[0].unitPaid
    expect(resolved.settlement.refund.parts.map((p: any) => [p.kind, p.amount])).toEqual([
      ['items', unitPaid],
      ['restocking_fee', -applyRate(unitPaid, 150_000)],
      ['return_label', -450],
    ])
    expect((await t.call('DELETE', '/v1/return-policies/marketplace')).statusCode).toBe(204)
    expect((await ok('GET', '/v1/return-policies/marketplace')).source).toBe('default')
  })

  it('cancels before the parcel left and voids the label', async () => {
    const order = await deliveredOrder([{ sku: 'TEE-BLK-M', quantity: 1 }])
    const r = await ok('POST', '/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'size_fit' }], pickup: { date: '2026-11-05' } })
    // A pickup needs a label: bought (the customer pays) and the pickup scheduled at once.
    expect(r).toMatchObject({ status: 'pickup_scheduled', label: { paidBy: 'customer' }, pickup: { date: '2026-11-05', address: { city: 'Hamburg' } } })
    const cancelled = await ok('POST', `/v1/returns/${r.id}/cancel`, { reason: 'kept it' })
    expect(cancelled).toMatchObject({ status: 'cancelled', closeReason: 'kept it' })
    expect((await t.call('GET', `/v1/returns/${r.id}/label.pdf`)).statusCode).toBe(409)
    expect((await ok('GET', `/v1/orders/${order.id}`)).lines[0].returnRequestedQuantity).toBe(0)
    expect((await post(`/v1/returns/${r.id}/receive`, {})).statusCode).toBe(409)
  })

  it('leaves a return for a person when its automatic authorization cannot buy the label, saying why on the timeline', async () => {
    const order = await deliveredOrder([{ sku: 'MUG-WHT', quantity: 1 }])
    for (const carrier of ['own', 'post']) await ok('PATCH', `/v1/carriers/${carrier}`, { active: false })
    try {
      const r = await post('/v1/returns', { order: order.number, lines: [{ sku: 'MUG-WHT', quantity: 1, reason: 'wrong_item' }] })
      expect(r.statusCode).toBe(201)
      expect(r.json()).toMatchObject({ status: 'requested', decision: { authorization: 'automatic' }, label: null, allowedActions: ['authorize', 'reject', 'cancel'] })
      const failed = (await ok('GET', `/v1/orders/${order.id}/events`)).data.find((e: any) => e.type === 'return.authorization_failed')
      expect(failed).toMatchObject({ reason: expect.stringContaining('No active carrier service'), data: { code: 'shipping.no_service' } })
    } finally {
      for (const carrier of ['own', 'post']) await ok('PATCH', `/v1/carriers/${carrier}`, { active: true })
    }
    const [waiting] = (await ok('GET', `/v1/returns?order=${order.number}`)).data
    expect((await ok('POST', `/v1/returns/${waiting.id}/authorize`, {})).label.paidBy).toBe('merchant')
  })

  it('pays a refund out once across failures: unknown outcome and declined refunds stay on record and are retried with the same key', async () => {
    const calls: RefundRequest[] = []
    let answer: 'timeout' | 'decline' | 'ok' = 'timeout'
    const card: PaymentProvider = {
      code: 'card',
      description: 'test acquirer',
      async refund(req) {
        calls.push(req)
        if (answer === 'timeout') throw new Error('acquirer timed out')
        return answer === 'decline' ? { reference: `re_${calls.length}`, status: 'failed', message: 'card expired' } : { reference: 're_ok', status: 'succeeded' }
      },
    }
    t.app.services.payments.providers.register(card)
    const order = await deliveredOrder([{ sku: 'TEE-BLK-M', quantity: 1 }], { payment: { status: 'paid', method: 'card', reference: 'ch_card_1' } })
    const r = await ok('POST', '/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'damaged' }] })
    await ok('POST', `/v1/returns/${r.id}/receive`, {})
    await ok('POST', `/v1/returns/${r.id}/inspect`, { lines: [{ line: 'TEE-BLK-M', condition: 'damaged', disposition: 'scrap' }] })

    const timedOut = await post(`/v1/returns/${r.id}/resolve`, {})
    expect([timedOut.statusCode, timedOut.json().code]).toEqual([502, 'refund.provider_unavailable'])
    const pending = await ok('GET', `/v1/returns/${r.id}`)
    expect(pending).toMatchObject({ status: 'inspected', refunds: [{ status: 'pending', provider: 'card', paymentReference: 'ch_card_1', lastError: 'acquirer timed out' }] })
    expect((await ok('GET', '/v1/refunds?status=pending')).data.map((x: any) => x.id)).toEqual([pending.refunds[0].id])
    expect((await ok('GET', `/v1/orders/${order.id}`)).paymentStatus).toBe('paid')
    const other = await post(`/v1/returns/${r.id}/resolve`, { lines: [{ line: 'TEE-BLK-M', resolution: 'store_credit' }] })
    expect([other.statusCode, other.json().code]).toEqual([409, 'return.resolution_recorded'])

    answer = 'decline'
    const declined = await post(`/v1/returns/${r.id}/resolve`, {})
    expect([declined.statusCode, declined.json().code]).toEqual([409, 'refund.declined'])
    expect((await ok('GET', `/v1/returns/${r.id}`)).refunds[0]).toMatchObject({ status: 'failed', lastError: 'card expired' })

    // Asked again through the card acquirer, which pays it now.
    answer = 'ok'
    const resolved = await ok('POST', `/v1/returns/${r.id}/resolve`, {})
    expect(resolved).toMatchObject({ status: 'resolved', refunds: [{ status: 'succeeded', provider: 'card', providerReference: 're_ok' }] })
    // Every attempt carried the refund's own idempotency key: the acquirer pays it once.
    expect(new Set(calls.map((c) => c.idempotencyKey))).toEqual(new Set([resolved.refunds[0].id]))
    expect(calls.map((c) => c.amount)).toEqual([lineOf(resolved, 'TEE-BLK-M').unitPaid, lineOf(resolved, 'TEE-BLK-M').unitPaid, lineOf(resolved, 'TEE-BLK-M').unitPaid])
    // The only line came back damaged (no fee): everything paid is paid back.
    expect((await ok('GET', `/v1/orders/${order.id}`)).paymentStatus).toBe('refunded')
    expect((await post(`/v1/returns/${r.id}/resolve`, {})).statusCode).toBe(200)
    expect(calls).toHaveLength(3)
    await checkClean()
  })

  it('lets each role do its part', async () => {
    const [warehouse, finance, viewer] = await Promise.all([t.keyFor('warehouse'), t.keyFor('finance'), t.keyFor('viewer')])
    const order = await deliveredOrder([{ sku: 'MUG-WHT', quantity: 1 }])
    const body = { order: order.number, lines: [{ sku: 'MUG-WHT', quantity: 1, reason: 'size_fit' }] }
    expect((await post('/v1/returns', body, { key: viewer })).statusCode).toBe(403)
    expect((await post('/v1/returns', body, { key: finance })).statusCode).toBe(403)
    const r = await ok('POST', '/v1/returns', body)
    expect((await t.call('GET', `/v1/returns/${r.id}`, { key: viewer })).statusCode).toBe(200)
    expect((await post(`/v1/returns/${r.id}/receive`, {}, { key: warehouse })).statusCode).toBe(200)
    expect((await post(`/v1/returns/${r.id}/inspect`, { lines: [{ line: 'MUG-WHT', condition: 'new', disposition: 'restock' }] }, { key: warehouse })).statusCode).toBe(200)
    expect((await post(`/v1/returns/${r.id}/resolve`, {}, { key: warehouse })).statusCode).toBe(403)
    expect((await post(`/v1/returns/${r.id}/resolve`, {}, { key: finance })).statusCode).toBe(200)
    expect((await t.call('PUT', '/v1/return-policies', { body: { windowDays: 1 }, key: warehouse })).statusCode).toBe(403)
  })

  it('keeps a configurable list of reasons: retired ones can no longer be chosen', async () => {
    const reasons = await ok('PUT', '/v1/return-reasons', {
      reasons: [
        { code: 'damaged', label: 'Arrived damaged', merchantFault: true },
        { code: 'late', label: 'Arrived too late', merchantFault: true },
        { code: 'size_fit', label: 'Size or fit' },
      ],
    })
    expect(reasons.data.filter((r: any) => r.active).map((r: any) => r.code)).toEqual(['damaged', 'late', 'size_fit'])
    expect(reasons.data.find((r: any) => r.code === 'other')).toMatchObject({ active: false })
    const dup = await t.call('PUT', '/v1/return-reasons', { body: { reasons: [{ code: 'x', label: 'X' }, { code: 'x', label: 'Y' }] } })
    expect([dup.statusCode, dup.json().errors[0].path]).toEqual([422, 'reasons.1'])
    const order = await deliveredOrder([{ sku: 'TEE-BLK-M', quantity: 1 }])
    const retired = await post('/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'other' }] })
    expect(retired.json().errors).toEqual([expect.objectContaining({ path: 'lines.0.reason', code: 'unknown_reason' })])
    // A new merchant-fault reason gets a free label.
    expect((await ok('POST', '/v1/returns', { order: order.number, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'late' }] })).label.paidBy).toBe('merchant')
  })

  it('publishes the return lifecycle, its schemas and paths', async () => {
    const ret = (await ok('GET', '/v1/lifecycles')).data.find((m: any) => m.entity === 'return')
    expect(ret).toMatchObject({ initial: 'requested', final: ['resolved', 'rejected', 'cancelled'] })
    const doc = (await t.call('GET', '/openapi.json')).json()
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Return', 'ReturnPolicy', 'ReturnReason', 'ReturnSettlement', 'Refund', 'CreditNote', 'CustomerCredit', 'HeldReturnStock']))
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/returns', '/v1/returns/{id}/resolve', '/v1/returns/{id}/label.pdf', '/v1/return-policies/{channel}', '/v1/refunds', '/v1/customers/{id}/credit', '/v1/returned-stock/{id}/release']))
  })
})
