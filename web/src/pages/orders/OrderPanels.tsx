import { Anchor, Badge, Button, Card, CopyButton, Group, Loader, Popover, Rating, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { api } from '../../api/client'
import { useFeatures } from '../../api/features'
import { useCursorPage } from '../../api/paging'
import type { Feedback, Notification, Order, Refund, Return, StatusLink } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, ErrorAlert, Money, StatusBadge, When } from '../../components/common'
import { formatDate, formatMoney, humanize } from '../../lib/format'
import { ApiError, problemText } from '../../lib/problem'

// The order's life after the sale, each from its own endpoint: money back, returns, what the
// customer said and was told, and the link support sends them.

const REFUND_COLORS = { pending: 'yellow', succeeded: 'green', failed: 'red' } as const

/** The order's payment and every refund against it, with the parts each refund is made of. */
export function PaymentCard({ order }: { order: Order }) {
  const features = useFeatures()
  const can = useCan()
  const { query: refunds, pager } = useCursorPage<Refund>(['refunds', 'order', order.id], `/v1/refunds?order=${encodeURIComponent(order.id)}`, { limit: 20, enabled: features.refunds && can('returns:read') })
  return (
    <Card withBorder padding="sm" aria-label="Payment">
      <Title order={4} fz="sm" mb={4}>
        Payment
      </Title>
      <Group gap="xs">
        <StatusBadge value={order.payment.status} />
        <Money amount={order.payment.amount} currency={order.currency} />
      </Group>
      <Text size="sm">
        {order.payment.method ?? 'no method'}
        {order.payment.reference ? ` · ${order.payment.reference}` : ''}
      </Text>
      {refunds.error && <ErrorAlert error={refunds.error} />}
      {!!refunds.data?.data.length && (
        <Stack gap={6} mt="xs">
          <Text size="xs" fw={700} c="dimmed" tt="uppercase">
            Refunds
          </Text>
          {refunds.data.data.map((r) => (
            <div key={r.id} data-refund={r.id}>
              <Group gap={6} justify="space-between" wrap="nowrap">
                <Group gap={6}>
                  <Money amount={r.amount.amount} currency={r.amount.currency} />
                  <Badge color={REFUND_COLORS[r.status]}>{r.status}</Badge>
                </Group>
                {r.return && (
                  <Anchor component={Link} to={`/returns/${r.return.id}`} size="xs">
                    {r.return.number}
                  </Anchor>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {r.provider}
                {r.providerReference ? ` · ${r.providerReference}` : ''} · <When iso={r.completedAt ?? r.createdAt} relative />
              </Text>
              {r.breakdown.length > 1 && (
                <Text size="xs">
                  {r.breakdown.map((p) => `${humanize(p.kind)} ${formatMoney(p.amount, r.amount.currency)}`).join(' · ')}
                </Text>
              )}
              {r.lastError && (
                <Text size="xs" c="red">
                  {r.lastError}
                </Text>
              )}
            </div>
          ))}
          <CursorPager {...pager} compact />
        </Stack>
      )}
    </Card>
  )
}

/** Returns requested for this order, with where each stands. */
export function OrderReturnsCard({ orderId }: { orderId: string }) {
  const { query: returns, pager } = useCursorPage<Return>(['returns', 'order', orderId], `/v1/returns?order=${encodeURIComponent(orderId)}`, { limit: 20 })
  if (!returns.data?.data.length) return null
  return (
    <Card withBorder padding="sm" aria-label="Returns">
      <Title order={4} fz="sm" mb="xs">
        Returns
      </Title>
      <Table>
        <Table.Tbody>
          {returns.data.data.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <Anchor component={Link} to={`/returns/${r.id}`} fw={600}>
                  {r.number}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <StatusBadge value={r.status} />
              </Table.Td>
              <Table.Td>{r.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</Table.Td>
              <Table.Td>
                <When iso={r.createdAt} relative />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <CursorPager {...pager} compact />
    </Card>
  )
}

/** The customer's rating and comment, once they gave one on their order page. */
export function FeedbackCard({ orderId }: { orderId: string }) {
  const feedback = useQuery({
    queryKey: ['feedback', orderId],
    queryFn: async ({ signal }) => {
      try {
        return await api.get<Feedback>(`/v1/orders/${encodeURIComponent(orderId)}/feedback`, signal)
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null
        throw err
      }
    },
  })
  const f = feedback.data
  if (!f) return null
  return (
    <Card withBorder padding="sm" aria-label="Customer feedback">
      <Title order={4} fz="sm" mb={4}>
        Customer feedback
      </Title>
      <Group gap="xs">
        <Rating value={f.rating} readOnly size="sm" aria-label={`${f.rating} of 5`} />
        <Text size="xs" c="dimmed">
          <When iso={f.updatedAt} relative />
        </Text>
      </Group>
      {f.comment && (
        <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
          “{f.comment}”
        </Text>
      )}
    </Card>
  )
}

const EMAIL_COLORS = { queued: 'yellow', sent: 'green', failed: 'red' } as const

/** The e-mails sent to the customer for this order (or trying to be), newest first; a failed one can be sent again. */
export function EmailsCard({ orderId }: { orderId: string }) {
  const qc = useQueryClient()
  const can = useCan()
  const { query: emails, pager } = useCursorPage<Notification>(['order-emails', orderId], `/v1/orders/${encodeURIComponent(orderId)}/notifications`, { limit: 10 })
  const retry = useMutation({
    mutationFn: (n: Notification) => api.post<Notification>(`/v1/notifications/${n.id}/retry`),
    onSuccess: (n) => {
      notifications.show({ color: 'teal', message: `"${n.subject}" will be sent again shortly` })
      void qc.invalidateQueries({ queryKey: ['order-emails', orderId] })
      void qc.invalidateQueries({ queryKey: ['exceptions'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  if (!emails.data?.data.length) return null
  return (
    <Card withBorder padding="sm" aria-label="E-mails">
      <Title order={4} fz="sm" mb="xs">
        E-mails to the customer
      </Title>
      <Stack gap={6}>
        {emails.data.data.map((n) => (
          <div key={n.id}>
            <Group gap={6} justify="space-between" wrap="nowrap">
              <Text size="sm" lineClamp={1}>
                {n.subject}
              </Text>
              <Badge color={EMAIL_COLORS[n.status]}>{n.status}</Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {humanize(n.template.replace('.', ' '))} · {n.to} · <When iso={n.sentAt ?? n.createdAt} relative />
            </Text>
            {n.status === 'failed' && (
              <Group gap={6} wrap="nowrap">
                <Text size="xs" c="red" lineClamp={2}>
                  {n.lastError}
                  {n.nextAttemptAt ? ` · next try ${formatDate(n.nextAttemptAt)}` : ''}
                </Text>
                {can('notifications:manage') && (
                  <Button size="compact-xs" variant="light" onClick={() => retry.mutate(n)} loading={retry.isPending && retry.variables?.id === n.id}>
                    Send again
                  </Button>
                )}
              </Group>
            )}
          </div>
        ))}
      </Stack>
      <CursorPager {...pager} compact />
    </Card>
  )
}

/** The signed link to the customer's order page (no login), for support to send: shown, copied, opened. */
export function StatusLinkButton({ orderId }: { orderId: string }) {
  const [opened, setOpened] = useState(false)
  const link = useQuery({
    queryKey: ['status-link', orderId],
    queryFn: ({ signal }) => api.get<StatusLink>(`/v1/orders/${encodeURIComponent(orderId)}/status-link`, signal),
    enabled: opened,
    staleTime: 5 * 60_000,
  })
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={420} withinPortal>
      <Popover.Target>
        <Button variant="default" onClick={() => setOpened((o) => !o)}>
          Customer link
        </Button>
      </Popover.Target>
      <Popover.Dropdown aria-label="Customer link">
        {link.isPending ? (
          <Loader size="sm" />
        ) : link.error ? (
          <ErrorAlert error={link.error} />
        ) : (
          <Stack gap="xs">
            <Text size="xs" c="dimmed">
              The customer's order page: progress, tracking, feedback and returns, no login. Anyone with the link sees this order until {formatDate(link.data.expiresAt)}.
            </Text>
            <TextInput value={link.data.url} readOnly aria-label="Link to the order page" className="mono" onFocus={(e) => e.currentTarget.select()} />
            <Group gap="xs" justify="flex-end">
              <Button component="a" href={link.data.url} target="_blank" rel="noreferrer" variant="default">
                Open
              </Button>
              <CopyButton value={link.data.url}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy link'}</Button>}</CopyButton>
            </Group>
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  )
}
