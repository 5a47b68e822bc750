import { describe, expect, it } from 'vitest'
import { consoleLink, exceptionFiltersFromSearch, exceptionFiltersToSearch, exceptionsPath, typeTabs } from './exceptions'

describe('exception queue filters', () => {
  it('round-trips through the address bar and drops what the API would refuse', () => {
    const f = exceptionFiltersFromSearch('type=order_hold&holdCode=payment&who=me&location=BER&channel=web&olderThanDays=2&status=resolved')
    expect(f).toEqual({ status: 'resolved', type: 'order_hold', holdCode: 'payment', who: 'me', location: 'BER', channel: 'web', olderThanDays: '2' })
    expect(exceptionFiltersToSearch(f).toString()).toBe('status=resolved&type=order_hold&holdCode=payment&who=me&location=BER&channel=web&olderThanDays=2')
    expect(exceptionFiltersFromSearch('type=lost_parcel&holdCode=weather&status=open&olderThanDays=-1&who=')).toEqual({})
  })

  it('asks the API for my items by my e-mail, and for nobody’s by assigned=false', () => {
    expect(exceptionsPath({ who: 'me' }, 'sam@example.com')).toBe('/v1/exceptions?assignee=sam%40example.com')
    expect(exceptionsPath({ who: 'nobody', type: 'backorder' }, 'sam@example.com')).toBe('/v1/exceptions?type=backorder&assigned=false')
    expect(exceptionsPath({ who: 'kim@example.com', location: 'MUC' }, 'sam@example.com')).toBe('/v1/exceptions?assignee=kim%40example.com&location=MUC')
  })

  it('sends a hold code only where holds are listed', () => {
    expect(exceptionsPath({ holdCode: 'fraud' }, 'x')).toBe('/v1/exceptions?holdCode=fraud')
    expect(exceptionsPath({ type: 'order_hold', holdCode: 'fraud' }, 'x')).toBe('/v1/exceptions?type=order_hold&holdCode=fraud')
    expect(exceptionsPath({ type: 'short_pick', holdCode: 'fraud' }, 'x')).toBe('/v1/exceptions?type=short_pick')
  })
})

describe('where an item is dealt with', () => {
  const item = (type: string, id: string, number: string | null, orderNumber: string | null = null) => ({ type, entity: { type, id, number }, orderNumber, link: '' })
  it('opens the order, shipment, return, picklist or webhook endpoint it is about', () => {
    expect(consoleLink(item('order', 'ord_1', 'SO-10042'))).toBe('/orders/SO-10042')
    expect(consoleLink(item('shipment', 'shp_1', 'SH-1', 'SO-1'))).toBe('/shipments/shp_1')
    expect(consoleLink(item('return', 'rma_1', 'RMA-1'))).toBe('/returns/rma_1')
    expect(consoleLink(item('picklist', 'pl_1', 'PL-1'))).toBe('/warehouse/picklists/pl_1')
    expect(consoleLink(item('webhook_endpoint', 'we_1', null))).toBe('/settings/webhooks?endpoint=we_1&status=dead')
  })
  it('sends a failed e-mail to its order, and gives up on what has no page', () => {
    expect(consoleLink(item('notification', 'ntf_1', null, 'SO-7'))).toBe('/orders/SO-7')
    expect(consoleLink(item('mystery', 'x_1', null))).toBeNull()
  })
})

describe('type tabs', () => {
  it('shows every type with its count, zero when the API left it out, and the total first', () => {
    const tabs = typeTabs({ byType: { order_hold: 3, backorder: 1 }, total: 4 })
    expect(tabs[0]).toEqual({ value: 'all', label: 'All', count: 4 })
    expect(tabs.find((t) => t.value === 'order_hold')?.count).toBe(3)
    expect(tabs.find((t) => t.value === 'webhook_dead')?.count).toBe(0)
    expect(tabs).toHaveLength(10)
    expect(typeTabs(undefined).every((t) => t.count === null)).toBe(true)
  })
})
