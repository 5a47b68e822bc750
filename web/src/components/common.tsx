import { Alert, Badge, Button, Group, Stack, Text, Title, Tooltip } from '@mantine/core'
import type { ReactNode } from 'react'
import { ApiError, problemText } from '../lib/problem'
import { formatAgo, formatDateTime, formatMoney, humanize } from '../lib/format'

const COLORS: Record<string, string> = {
  pending: 'gray',
  confirmed: 'blue',
  on_hold: 'orange',
  completed: 'teal',
  cancelled: 'gray',
  unfulfilled: 'gray',
  partially_allocated: 'yellow',
  allocated: 'blue',
  backordered: 'red',
  partially_shipped: 'cyan',
  shipped: 'teal',
  partially_delivered: 'cyan',
  delivered: 'green',
  awaiting: 'yellow',
  authorized: 'blue',
  paid: 'green',
  partially_refunded: 'grape',
  refunded: 'grape',
  voided: 'gray',
  open: 'blue',
  in_progress: 'cyan',
  picking: 'cyan',
  picked: 'indigo',
  packed: 'violet',
  label_created: 'gray',
  awaiting_pickup: 'yellow',
  in_transit: 'cyan',
  out_for_delivery: 'blue',
  exception: 'red',
  returned_to_sender: 'orange',
  requested: 'yellow',
  received: 'indigo',
  inspected: 'violet',
  resolved: 'teal',
  rejected: 'gray',
  pickup_scheduled: 'cyan',
  active: 'green',
  disabled: 'gray',
  revoked: 'gray',
}

export function StatusBadge({ value, title }: { value: string; title?: string }) {
  const badge = (
    <Badge color={COLORS[value] ?? 'gray'} variant={value === 'cancelled' || value === 'voided' ? 'outline' : 'light'} data-status={value}>
      {humanize(value)}
    </Badge>
  )
  return title ? <Tooltip label={title}>{badge}</Tooltip> : badge
}

export const Money = ({ amount, currency }: { amount: number; currency: string }) => <span className="num">{formatMoney(amount, currency)}</span>

export const When = ({ iso, relative }: { iso: string | null | undefined; relative?: boolean }) =>
  iso ? (
    <Tooltip label={formatDateTime(iso)} openDelay={300}>
      <span style={{ whiteSpace: 'nowrap' }}>{relative ? formatAgo(iso) : formatDateTime(iso)}</span>
    </Tooltip>
  ) : (
    <Text span c="dimmed">
      —
    </Text>
  )

export function PageHeader({ title, subtitle, actions, children }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <Stack gap={4} mb="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <div>
          <Title order={2} fz={22} fw={650}>
            {title}
          </Title>
          {subtitle && (
            <Text size="sm" c="dimmed">
              {subtitle}
            </Text>
          )}
        </div>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  )
}

/** A failed query or action, with the server's detail and request id. */
export function ErrorAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null
  const text = error instanceof ApiError ? problemText(error.problem) : String((error as Error).message ?? error)
  return (
    <Alert color="red" title={title} variant="light" role="alert">
      {text}
      {error instanceof ApiError && error.problem.errors?.length ? (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {error.problem.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  )
}

/**
 * Shown above a form: the errors it has no field for (`other`, from fieldErrors), or the whole
 * problem when it named no field. A 412 means someone else changed the thing first.
 */
export function FormProblem({ error, other }: { error: unknown; other: string[] }) {
  if (!(error instanceof ApiError)) return error ? <ErrorAlert error={error} /> : null
  if (error.status === 412) {
    return (
      <Alert color="yellow" title="Changed by someone else">
        This changed since you opened it; it has been reloaded. Check it, then make your change again.
      </Alert>
    )
  }
  if (error.problem.errors?.length && !other.length) return null
  return (
    <Alert color="red" variant="light" role="alert">
      {problemText(error.problem)}
      {other.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {other.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      )}
    </Alert>
  )
}

/** Previous/next over cursor pages: the cursors seen so far are a stack. `compact`: nothing when there is one page only (lists inside a card). */
export function CursorPager({ cursors, nextCursor, onChange, count, loading, compact }: { cursors: string[]; nextCursor: string | null | undefined; onChange: (cursors: string[]) => void; count: number; loading?: boolean; compact?: boolean }) {
  if (compact && !cursors.length && !nextCursor) return null
  return (
    <Group justify="space-between" mt="xs">
      <Text size="xs" c="dimmed">
        Page {cursors.length + 1} · {count} row{count === 1 ? '' : 's'}
      </Text>
      <Group gap={4}>
        <Button variant="default" disabled={!cursors.length || loading} onClick={() => onChange(cursors.slice(0, -1))}>
          ← Previous
        </Button>
        <Button variant="default" disabled={!nextCursor || loading} onClick={() => nextCursor && onChange([...cursors, nextCursor])}>
          Next →
        </Button>
      </Group>
    </Group>
  )
}

export const Empty = ({ children }: { children: ReactNode }) => (
  <Text c="dimmed" size="sm" ta="center" py="lg">
    {children}
  </Text>
)
