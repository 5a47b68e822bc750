import { describe, expect, it } from 'vitest'
import { fieldErrors, problemText, toProblem } from './problem'

const invalid = toProblem(422, {
  status: 422,
  code: 'request.invalid',
  detail: 'Invalid body: lines.0.quantity, shippingAddress.postalCode.',
  errors: [
    { path: 'lines.0.quantity', message: 'Too small: expected number to be >0' },
    { path: 'shippingAddress.postalCode', message: '"123" does not look like a postal code' },
    { path: 'shippingAddress.postalCode', message: 'required for DE' },
    { path: 'payment', message: 'must cover the total' },
  ],
  requestId: 'req_1',
})

describe('problem → field errors', () => {
  it('puts each error beside the field it names and keeps the rest for the form to show', () => {
    const { byField, other } = fieldErrors(invalid, ['lines', 'payment'])
    expect(byField).toEqual({ lines: 'Too small: expected number to be >0', payment: 'must cover the total' })
    expect(other).toEqual(['shippingAddress.postalCode: "123" does not look like a postal code', 'shippingAddress.postalCode: required for DE'])
  })

  it('strips the prefix of a nested form and joins several messages for one field', () => {
    const { byField, other } = fieldErrors(invalid, ['city', 'postalCode', 'country'], 'shippingAddress.')
    expect(byField).toEqual({ postalCode: '"123" does not look like a postal code; required for DE' })
    expect(other).toHaveLength(2)
  })

  it('matches a field exactly or as a parent, never by a shared beginning', () => {
    const p = toProblem(422, { errors: [{ path: 'emailAddress', message: 'x' }, { path: 'email', message: 'taken' }] })
    expect(fieldErrors(p, ['email']).byField).toEqual({ email: 'taken' })
  })

  it('reads odd answers into a usable problem', () => {
    expect(toProblem(502, '<html>Bad gateway</html>', 'req_9')).toEqual({ status: 502, code: 'http.502', detail: 'The server answered 502.', errors: undefined, requestId: 'req_9' })
    expect(toProblem(0, null).detail).toBe('The server cannot be reached.')
    expect(problemText(invalid)).toBe('Invalid body: lines.0.quantity, shippingAddress.postalCode. (request req_1)')
    expect(fieldErrors(null, ['a'])).toEqual({ byField: {}, other: [] })
  })
})
