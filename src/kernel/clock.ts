/** Time comes from a clock so tests can set it. All timestamps are UTC ISO-8601 strings. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime()
    },
    advance: (ms) => {
      t += ms
    },
  }
}

export const isoNow = (clock: Clock) => clock.now().toISOString()
