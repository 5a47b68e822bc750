const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

export interface RetryPolicy {
  /** The delay after the 1st, 2nd, … failed attempt, in ms; the last one repeats. */
  schedule: number[]
  /** Failures keep being retried until one comes this long after the first try (or a manual retry). */
  windowMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR],
  windowMs: 24 * HOUR,
}

/**
 * When to try again after `attempts` failed attempts, or null when the delivery is dead. The
 * delay is drawn uniformly between half the step and the step ("equal jitter"), so receivers
 * coming back from an outage are not hit by every retry at once; unlike full jitter (0 to the
 * step) a draw near 0 never retries at once, so the number of attempts stays bounded. A
 * `Retry-After` the receiver sent is honoured up to the longest step. Retrying stops only once a
 * failure comes at least `windowMs` after `since`: the last attempt is never earlier than that.
 */
export function nextAttemptAt(p: RetryPolicy, attempts: number, since: Date, now: Date, random: () => number, retryAfterMs: number | null = null): Date | null {
  if (now.getTime() - since.getTime() >= p.windowMs) return null
  const step = p.schedule[Math.min(Math.max(attempts, 1), p.schedule.length) - 1]
  const longest = Math.max(...p.schedule)
  const delay = Math.max(Math.floor(step / 2 + (random() * step) / 2), Math.min(retryAfterMs ?? 0, longest))
  return new Date(now.getTime() + delay)
}
