import { Alert, Anchor, Badge, Button, Card, Code, Grid, Group, Loader, Stack, Table, Text, Timeline, Title } from '@mantine/core'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { api } from '../../api/client'
import { useFeatures } from '../../api/features'
import type { Address, FulfillmentOrder, Order, Page, Shipment, TimelineEntry } from '../../api/types'
import { useCan } from '../../auth/session'
import { ErrorAlert, Money, PageHeader, StatusBadge, When } from '../../components/common'
import { formatDate, formatMoney, humanize } from '../../lib/format'
import { editOutcome } from '../../lib/order-edit'
import { CancelOrderModal, EditOrderModal, PlaceHoldModal, ReleaseHoldModal } from './OrderModals'
import { EmailsCard, FeedbackCard, OrderReturnsCard, PaymentCard, StatusLinkButton } from './OrderPanels'
import { RequestReturnModal } from '../returns/ReturnsPage'

export const orderKey = (id: string) => ['order', id] as const

export function OrderDetailPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const can = useCan()
  const features = useFeatures()
  const order = useQuery({ queryKey: orderKey(id), queryFn: ({ signal }) => api.get<Order>(`/v1/orders/${encodeURIComponent(id)}`, signal) })
  const timeline = useQuery({ queryKey: ['order-events', id], queryFn: ({ signal }) => api.get<{ data: TimelineEntry[] }>(`/v1/orders/${encodeURIComponent(id)}/events`, signal) })
  const routing = useQuery({
    queryKey: ['order-routing', id],
    queryFn: ({ signal }) => api.get<Record<string, unknown>>(`/v1/orders/${encodeURIComponent(id)}/routing`, signal),
    enabled: features.routing,
    retry: false,
  })
  const [modal, setModal] = useState<null | 'edit' | 'cancel' | 'hold' | 'return' | { release: string }>(null)
  const [edited, setEdited] = useState<ReturnType<typeof editOutcome> | null>(null)

  /** After any action: show the order the server returned, and reload what depends on it. */
  const updated = (o: Order) => {
    qc.setQueryData(orderKey(id), o)
    void qc.invalidateQueries({ queryKey: ['order-events', id] })
    void qc.invalidateQueries({ queryKey: ['order-routing', id] })
    void qc.invalidateQueries({ queryKey: ['orders'] })
    void qc.invalidateQueries({ queryKey: ['dashboard'] })
    void qc.invalidateQueries({ queryKey: ['exceptions'] })
    void qc.invalidateQueries({ queryKey: ['order-emails'] })
    // Edits, holds and cancellations change what the warehouses are asked to ship.
    void qc.invalidateQueries({ queryKey: ['fulfillments'] })
    setModal(null)
  }

  if (order.isPending) return <Loader />
  if (order.error) return <ErrorAlert error={order.error} title={`Order ${id}`} />
  const o = order.data
  const allowed = new Set(o.allowedActions)
  const openHolds = o.holds.filter((h) => !h.releasedAt)

  return (
    <>
      <PageHeader
        title={
          <Group gap="xs">
            <span>{o.number}</span>
            <StatusBadge value={o.status} />
            <StatusBadge value={o.fulfillmentStatus} />
            <StatusBadge value={o.paymentStatus} />
          </Group>
        }
        subtitle={
          <>
            <Anchor component={Link} to="/orders" size="sm">
              Orders
            </Anchor>{' '}
            · {o.channel}
            {o.externalId ? ` #${o.externalId}` : ''} · placed <When iso={o.createdAt} /> · version {o.version}
          </>
        }
        actions={
          <>
            {features.statusLink && <StatusLinkButton orderId={o.id} />}
            {allowed.has('edit') && can('orders:write') && (
              <Button variant="default" onClick={() => setModal('edit')}>
                Edit
              </Button>
            )}
            {allowed.has('hold') && can('holds:write') && (
              <Button variant="default" onClick={() => setModal('hold')}>
                Place hold
              </Button>
            )}
            {features.returns && can('returns:write') && o.lines.some((l) => l.deliveredQuantity > l.returnRequestedQuantity + l.returnedQuantity) && (
              <Button variant="default" onClick={() => setModal('return')}>
                Request return
              </Button>
            )}
            {allowed.has('cancel') && can('orders:write') && (
              <Button variant="light" color="red" onClick={() => setModal('cancel')}>
                Cancel…
              </Button>
            )}
          </>
        }
      />

      {edited && (
        <Alert color={edited.placed.length ? 'orange' : 'teal'} title={edited.placed.length ? 'Saved; the verification placed a hold' : edited.stillOpen ? `Saved; no new hold (${edited.stillOpen} still open)` : 'Saved; the verification passed'} withCloseButton onClose={() => setEdited(null)} mb="sm" data-edit-result>
          Total {formatMoney(edited.total.before, o.currency)} → <b data-new-total>{formatMoney(edited.total.after, o.currency)}</b>.
          {edited.placed.map((h) => ` ${humanize(h.code)} hold: ${h.detail}`).join('')}
          {edited.lifted.length > 0 && ` Lifted: ${edited.lifted.map((h) => humanize(h.code)).join(', ')}.`}
        </Alert>
      )}

      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="sm">
            {o.holds.length > 0 && (
              <Card withBorder padding="sm" aria-label="Holds">
                <Title order={4} fz="sm" mb="xs">
                  Holds
                </Title>
                <Table>
                  <Table.Tbody>
                    {o.holds.map((h) => (
                      <Table.Tr key={h.id} style={{ opacity: h.releasedAt ? 0.55 : 1 }} data-hold={h.code}>
                        <Table.Td w={110}>
                          <Badge color={h.releasedAt ? 'gray' : 'orange'}>{humanize(h.code)}</Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{h.detail}</Text>
                          <Text size="xs" c="dimmed">
                            {h.source === 'verification' ? 'Verification' : h.createdBy} · <When iso={h.createdAt} relative />
                            {h.releasedAt && (
                              <>
                                {' '}
                                · released by {h.releasedBy} <When iso={h.releasedAt} relative />
                                {h.releaseNote ? `: ${h.releaseNote}` : ''}
                              </>
                            )}
                          </Text>
                        </Table.Td>
                        <Table.Td w={90} ta="right">
                          {!h.releasedAt && can('holds:write') && (
                            <Button size="xs" variant="light" onClick={() => setModal({ release: h.id })}>
                              Release
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
            )}

            <Card withBorder padding={0}>
              <Table.ScrollContainer minWidth={600}>
                <Table aria-label="Lines">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Item</Table.Th>
                      <Table.Th className="num">Qty</Table.Th>
                      <Table.Th className="num">Unit</Table.Th>
                      <Table.Th>Allocated at</Table.Th>
                      <Table.Th>Progress</Table.Th>
                      <Table.Th className="num">Total</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {o.lines.map((l) => (
                      <Table.Tr key={l.id} style={{ opacity: l.cancelledQuantity === l.quantity ? 0.5 : 1 }}>
                        <Table.Td>
                          <Text size="sm">{l.name}</Text>
                          <Text size="xs" c="dimmed" className="mono">
                            {l.sku}
                          </Text>
                        </Table.Td>
                        <Table.Td className="num">{l.quantity}</Table.Td>
                        <Table.Td className="num">
                          <Money amount={l.unitPrice} currency={o.currency} />
                          {l.unitPrice !== l.catalogPrice && (
                            <Text size="xs" c="orange">
                              catalog <Money amount={l.catalogPrice} currency={o.currency} />
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {l.allocations.map((a) => (
                              <Badge key={a.location} variant="outline" color="blue" data-allocation={a.location}>
                                {a.location} × {a.quantity}
                              </Badge>
                            ))}
                            {!l.allocations.length && (
                              <Text size="xs" c="dimmed">
                                —
                              </Text>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <LineProgress l={l} />
                        </Table.Td>
                        <Table.Td className="num">
                          <Money amount={l.total} currency={o.currency} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                  <Table.Tfoot>
                    {(
                      [
                        ['Subtotal', o.totals.subtotal],
                        ['Discount', -o.totals.discount],
                        ['Shipping', o.totals.shipping],
                        ['Tax', o.totals.tax],
                      ] as const
                    )
                      .filter(([label, v]) => v !== 0 || label === 'Subtotal')
                      .map(([label, v]) => (
                        <Table.Tr key={label}>
                          <Table.Td colSpan={5} ta="right" c="dimmed">
                            {label}
                          </Table.Td>
                          <Table.Td className="num">
                            <Money amount={v} currency={o.currency} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    <Table.Tr>
                      <Table.Td colSpan={5} ta="right" fw={600}>
                        Total
                      </Table.Td>
                      <Table.Td className="num" fw={600}>
                        <Money amount={o.totals.total} currency={o.currency} />
                      </Table.Td>
                    </Table.Tr>
                  </Table.Tfoot>
                </Table>
              </Table.ScrollContainer>
            </Card>

            {(features.picklists || features.shipments) && <FulfilmentCard orderId={o.id} />}
            {features.returns && can('returns:read') && <OrderReturnsCard orderId={o.id} />}

            {features.routing && (
              <Card withBorder padding="sm" aria-label="Routing">
                <Title order={4} fz="sm" mb="xs">
                  Why these warehouses
                </Title>
                {routing.isPending ? <Loader size="sm" /> : routing.error ? <Text size="sm" c="dimmed">No routing decision recorded for this order.</Text> : <RoutingExplanation data={routing.data} />}
              </Card>
            )}

            <Card withBorder padding="sm" aria-label="Timeline">
              <Title order={4} fz="sm" mb="sm">
                Timeline
              </Title>
              {timeline.error && <ErrorAlert error={timeline.error} />}
              <Timeline bulletSize={12} lineWidth={2} active={-1}>
                {[...(timeline.data?.data ?? [])].reverse().map((e) => (
                  <Timeline.Item key={e.id} title={<TimelineTitle e={e} />}>
                    <Text size="xs" c="dimmed">
                      <When iso={e.occurredAt} /> · {e.actor}
                    </Text>
                    {e.reason && <Text size="sm">{e.reason}</Text>}
                    <EventData data={e.data} />
                  </Timeline.Item>
                ))}
              </Timeline>
            </Card>
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="sm">
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb={4}>
                Customer
              </Title>
              <Text size="sm">{o.customer.name ?? '—'}</Text>
              <Anchor component={Link} to={`/orders?customer=${encodeURIComponent(o.customer.email)}`} size="sm">
                {o.customer.email}
              </Anchor>
              {o.customer.phone && <Text size="sm">{o.customer.phone}</Text>}
            </Card>
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb={4}>
                Ship to
              </Title>
              <AddressBlock a={o.shippingAddress} />
              {o.shippingMethod && (
                <Text size="xs" c="dimmed" mt={4}>
                  {o.shippingMethod}
                </Text>
              )}
              {o.promisedDeliveryDate && <Text size="sm">Promised by {formatDate(o.promisedDeliveryDate)}</Text>}
            </Card>
            {o.billingAddress && (
              <Card withBorder padding="sm">
                <Title order={4} fz="sm" mb={4}>
                  Bill to
                </Title>
                <AddressBlock a={o.billingAddress} />
              </Card>
            )}
            <PaymentCard order={o} />
            {(o.notes || o.cancelReason) && (
              <Card withBorder padding="sm">
                {o.cancelReason && (
                  <Alert color="gray" title="Cancelled" mb="xs">
                    {o.cancelReason} · <When iso={o.cancelledAt} />
                  </Alert>
                )}
                {o.notes && (
                  <>
                    <Title order={4} fz="sm" mb={4}>
                      Notes
                    </Title>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {o.notes}
                    </Text>
                  </>
                )}
              </Card>
            )}
            {features.feedback && <FeedbackCard orderId={o.id} />}
            {features.paths.has('/v1/orders/{id}/notifications') && <EmailsCard orderId={o.id} />}
            {openHolds.length > 0 && !can('holds:write') && (
              <Text size="xs" c="dimmed">
                Your role cannot release holds.
              </Text>
            )}
          </Stack>
        </Grid.Col>
      </Grid>

      {modal === 'edit' && (
        <EditOrderModal
          order={o}
          onClose={() => setModal(null)}
          onDone={(after) => {
            setEdited(editOutcome(o, after))
            updated(after)
          }}
        />
      )}
      {modal === 'cancel' && <CancelOrderModal order={o} onClose={() => setModal(null)} onDone={updated} />}
      {modal === 'return' && <RequestReturnModal order={o} onClose={() => setModal(null)} />}
      {modal === 'hold' && <PlaceHoldModal order={o} onClose={() => setModal(null)} onDone={updated} />}
      {modal && typeof modal === 'object' && <ReleaseHoldModal order={o} holdId={modal.release} onClose={() => setModal(null)} onDone={updated} />}
    </>
  )
}

/** The line's quantity buckets that are not zero: "2 backordered · 1 picked · 1 shipped". */
function LineProgress({ l }: { l: Order['lines'][number] }) {
  const parts = (
    [
      ['backordered', l.backorderedQuantity, 'red'],
      ['picked', l.pickedQuantity, undefined],
      ['shipped', l.shippedQuantity, 'teal'],
      ['delivered', l.deliveredQuantity, 'green'],
      ['return requested', l.returnRequestedQuantity, 'grape'],
      ['returned', l.returnedQuantity, 'grape'],
      ['cancelled', l.cancelledQuantity, 'dimmed'],
    ] as const
  ).filter(([, n]) => n > 0)
  if (!parts.length) return <Text size="xs" c="dimmed">—</Text>
  return (
    <Text size="xs">
      {parts.map(([label, n, color], i) => (
        <Text span key={label} c={color} size="xs">
          {i > 0 && ' · '}
          {n} {label}
        </Text>
      ))}
    </Text>
  )
}

function AddressBlock({ a }: { a: Address }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
      {[a.name, a.company, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), [a.region, a.country].filter(Boolean).join(', '), a.phone].filter(Boolean).join('\n')}
    </Text>
  )
}

function TimelineTitle({ e }: { e: TimelineEntry }) {
  return (
    <Group gap={6}>
      <Text size="sm" fw={600}>
        {humanize(e.type.replace('.', ' '))}
      </Text>
      {e.from && e.to && e.from !== e.to && (
        <Text size="xs" c="dimmed">
          {humanize(e.from)} → {humanize(e.to)}
        </Text>
      )}
    </Group>
  )
}

/** The event's payload, minus its version, in one line per field. */
function EventData({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data).filter(([k]) => k !== 'v')
  if (!entries.length) return null
  return (
    <details>
      <summary style={{ cursor: 'pointer', fontSize: 12, color: 'var(--mantine-color-dimmed)' }}>details</summary>
      <Code block fz={11}>
        {JSON.stringify(Object.fromEntries(entries), null, 2)}
      </Code>
    </details>
  )
}

interface RoutingDecision {
  id: string
  trigger: string
  decision: string
  createdBy: string
  createdAt: string
  explanation: {
    reason?: string
    rankers?: { code: string; weight: number; measured: boolean }[]
    candidates?: { location: string; rank: number; total: number; coversAll: boolean; unitsAvailable: number; scores: Record<string, { value: number | null; score: number }> }[]
    filtered?: { location: string; filter: string; detail: string }[]
    shipments?: { location: string; lines: number; units: number }[]
  }
}

/** Every routing decision of the order, newest first: the reason, each candidate's scores, and who was filtered out and why. */
function RoutingExplanation({ data }: { data: Record<string, unknown> }) {
  const decisions = ((data.data as RoutingDecision[] | undefined) ?? []).slice().reverse()
  if (!decisions.length) return <Text size="sm" c="dimmed">No routing decision recorded for this order.</Text>
  return (
    <Stack gap="md">
      {decisions.map((d) => {
        const e = d.explanation
        const rankers = e.rankers ?? []
        return (
          <Stack key={d.id} gap={4}>
            <Text size="sm">
              <b>{humanize(d.decision)}</b>
              {e.reason ? `: ${e.reason}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {humanize(d.trigger)} · <When iso={d.createdAt} /> · {d.createdBy}
            </Text>
            {e.candidates && e.candidates.length > 0 && (
              <Table.ScrollContainer minWidth={500}>
                <Table fz="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>#</Table.Th>
                      <Table.Th>Location</Table.Th>
                      <Table.Th className="num">Score</Table.Th>
                      <Table.Th>Covers all</Table.Th>
                      {rankers.map((r) => (
                        <Table.Th key={r.code} className="num" title={r.measured ? undefined : 'not measured for this order'}>
                          {humanize(r.code)} ×{r.weight}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {e.candidates.map((c) => (
                      <Table.Tr key={c.location} fw={c.rank === 1 ? 600 : undefined}>
                        <Table.Td>{c.rank}</Table.Td>
                        <Table.Td>{c.location}</Table.Td>
                        <Table.Td className="num">{c.total.toFixed(3)}</Table.Td>
                        <Table.Td>{c.coversAll ? 'yes' : `${c.unitsAvailable} units`}</Table.Td>
                        {rankers.map((r) => {
                          const sc = c.scores[r.code]
                          return (
                            <Table.Td key={r.code} className="num" c={r.measured ? undefined : 'dimmed'}>
                              {sc ? `${sc.score.toFixed(2)}${sc.value !== null ? ` (${Number.isInteger(sc.value) ? sc.value : sc.value.toFixed(1)})` : ''}` : ''}
                            </Table.Td>
                          )
                        })}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {e.filtered && e.filtered.length > 0 && (
              <Text size="xs" c="dimmed">
                Left out: {e.filtered.map((f) => `${f.location} (${f.detail})`).join('; ')}
              </Text>
            )}
          </Stack>
        )
      })}
      <details>
        <summary style={{ cursor: 'pointer', fontSize: 12 }}>Raw explanation</summary>
        <Code block fz={11}>
          {JSON.stringify(data, null, 2)}
        </Code>
      </details>
    </Stack>
  )
}

/** The order's fulfilment orders (where and how far each is) and its shipments with their tracking. */
function FulfilmentCard({ orderId }: { orderId: string }) {
  const fos = useQuery({ queryKey: ['fulfillments', 'order', orderId], queryFn: ({ signal }) => api.get<Page<FulfillmentOrder>>(`/v1/fulfillments?order=${orderId}&limit=50`, signal) })
  const shipments = useQuery({ queryKey: ['shipments', 'order', orderId], queryFn: ({ signal }) => api.get<Page<Shipment>>(`/v1/shipments?order=${orderId}&limit=50`, signal) })
  const list = fos.data?.data ?? []
  const ships = shipments.data?.data ?? []
  if (!list.length && !ships.length) return null
  return (
    <Card withBorder padding="sm" aria-label="Fulfilment and shipments">
      <Title order={4} fz="sm" mb="xs">
        Fulfilment and shipments
      </Title>
      <Table>
        <Table.Tbody>
          {list.map((f) => (
            <Table.Tr key={f.id}>
              <Table.Td className="mono">{f.number}</Table.Td>
              <Table.Td>{f.location}</Table.Td>
              <Table.Td>
                <StatusBadge value={f.status} />
                {f.held && (
                  <Badge ml={4} color="orange">
                    held
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{f.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</Table.Td>
              <Table.Td>{f.picklist ? <Anchor component={Link} to={`/warehouse/picklists/${f.picklist.id}`}>{f.picklist.number}</Anchor> : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {ships.map((sh) => {
        const last = sh.trackingEvents.at(-1)
        return (
          <Group key={sh.id} gap="xs" mt="xs" data-shipment={sh.number}>
            <Anchor component={Link} to={`/shipments/${sh.id}`} fw={600}>
              {sh.number}
            </Anchor>
            <StatusBadge value={sh.status} />
            <Text size="sm">
              {sh.carrier.name} {sh.service.name} · <span className="mono">{sh.trackingNumber}</span>
            </Text>
            <Text size="xs" c="dimmed">
              {last ? `${humanize(last.status)}${last.location ? ` at ${last.location}` : ''}, ` : ''}
              {sh.deliveredAt ? `delivered ${formatDate(sh.deliveredAt)}` : sh.estimatedDeliveryDate ? `expected ${formatDate(sh.estimatedDeliveryDate)}` : ''}
            </Text>
          </Group>
        )
      })}
    </Card>
  )
}
