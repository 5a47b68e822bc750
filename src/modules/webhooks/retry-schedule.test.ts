import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY, nextAttemptAt } from './retry-schedule.js'

const HOUR = 3_600_000
const start = new Date('2026-11-02T09:00:00Z')

/** Attempts of a delivery that always fails, each one taking `durationMs`: when each happened, until it died. */
function simulate(random: () => number, durationMs = 0): number[] {
  const times = [0]
  for (let attempts = 1; attempts < 10_000; attempts++) {
    const failedAt = new Date(start.getTime() + times[times.length - 1] + durationMs)
    const next = nextAttemptAt(DEFAULT_RETRY_POLICY, attempts, start, failedAt, random)
    if (!next) return times
    times.push(next.getTime() - start.getTime())
  }
  throw new Error('never died')
}

describe('webhook retry schedule', () => {
  it('backs off exponentially (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, then every 8 h)', () => {
    const steps = (simulate(() => 0.999999) as number[]).map((t, i, all) => (i ? t - all[i - 1] : 0)).slice(1)
    expect(steps.slice(0, 10).map((s) => Math.round(s / 1000))).toEqual([5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800])
  })

  it('keeps retrying for at least 24 hours whatever the jitter draws, then dead-letters', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 30_000 }), (draws, duration) => {
        let i = 0
        const times = simulate(() => draws[i++ % draws.length], duration)
        const last = times[times.length - 1] + duration
        expect(last).toBeGreaterThanOrEqual(24 * HOUR)
        expect(times.length).toBeLessThanOrEqual(15)
        // …and gives up within one longest step after the window.
        expect(last).toBeLessThan(24 * HOUR + 8 * HOUR + 2 * duration)
      }),
      { numRuns: 200 },
    )
  })

  it('draws each delay between half its step and the step, but honours Retry-After up to the longest step', () => {
    const now = new Date(start.getTime() + 1000)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 1, start, now, () => 0)!.getTime()).toBe(now.getTime() + 2500)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 1, start, now, () => 0.5)!.getTime()).toBe(now.getTime() + 3750)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 2, start, now, () => 0.999999)!.getTime()).toBe(now.getTime() + 29_999)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 1, start, now, () => 0, 60_000)!.getTime()).toBe(now.getTime() + 60_000)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 1, start, now, () => 0, 99 * HOUR)!.getTime()).toBe(now.getTime() + 8 * HOUR)
    expect(nextAttemptAt(DEFAULT_RETRY_POLICY, 3, start, new Date(start.getTime() + 24 * HOUR), () => 0.5)).toBeNull()
  })
})
