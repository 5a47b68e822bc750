import { Anchor, Badge, Button, Card, Grid, Group, Loader, Select, Stack, Table, Text, TextInput, Textarea, Timeline, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { Carrier, Shipment } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, Money, PageHeader, StatusBadge, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { formatDate, humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'

const SHIPMENT_STATUSES = ['label_created', 'awaiting_pickup', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender', 'cancelled']
const TRACKING_STATUSES = ['awaiting_pickup', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender']

export function ShipmentsPage() {
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next, { replace: true })
  }
  const filters = new URLSearchParams([...params].filter(([k]) => ['status', 'carrier', 'location', 'trackingNumber', 'order'].includes(k)))
  const carriers = useQuery({ queryKey: ['carriers'], queryFn: () => api.get<{ data: Carrier[] }>('/v1/carriers') })
  const { query: shipments, pager } = useCursorPage<Shipment>(['shipments'], `/v1/shipments?${filters}`)
  const [tracking, setTracking] = useState(params.get('trackingNumber') ?? '')
  return (
    <>
      <PageHeader title="Shipments">
        <Group gap="xs" align="flex-end">
          <form
            onSubmit={(e) => {
              e.preventDefault()
              set('trackingNumber', tracking.replace(/\s+/g, '') || null)
            }}
          >
            <TextInput label="Tracking number" placeholder="Scan or type" value={tracking} onChange={(e) => setTracking(e.currentTarget.value)} className="mono" w={200} />
          </form>
          <Select label="Status" data={SHIPMENT_STATUSES.map((s) => ({ value: s, label: humanize(s) }))} value={params.get('status')} onChange={(v) => set('status', v)} clearable w={160} />
          <Select label="Carrier" data={(carriers.data?.data ?? []).map((c) => ({ value: c.code, label: c.name }))} value={params.get('carrier')} onChange={(v) => set('carrier', v)} clearable w={160} />
          <div style={{ width: 200 }}>
            <LocationSelect label="From" value={params.get('location')} onChange={(v) => set('location', v)} clearable />
          </div>
        </Group>
      </PageHeader>
      {shipments.error && <ErrorAlert error={shipments.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover aria-label="Shipments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Shipment</Table.Th>
                <Table.Th>Order</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Carrier</Table.Th>
                <Table.Th>Tracking</Table.Th>
                <Table.Th>From → to</Table.Th>
                <Table.Th>Estimated</Table.Th>
                <Table.Th className="num">Cost</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shipments.data?.data.map((s) => (
                <Table.Tr key={s.id} className="row-link" onClick={() => navigate(`/shipments/${s.id}`)}>
                  <Table.Td>
                    <Anchor component={Link} to={`/shipments/${s.id}`} fw={600} onClick={(e) => e.stopPropagation()}>
                      {s.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{s.orderNumber}</Table.Td>
                  <Table.Td>
                    <StatusBadge value={s.status} />
                  </Table.Td>
                  <Table.Td>
                    {s.carrier.name} · {s.service.name}
                  </Table.Td>
                  <Table.Td className="mono">{s.trackingNumber}</Table.Td>
                  <Table.Td>
                    {s.origin.code} → {[s.destination.city, s.destination.country].filter(Boolean).join(', ')}
                  </Table.Td>
                  <Table.Td>{s.deliveredAt ? `delivered ${formatDate(s.deliveredAt)}` : formatDate(s.estimatedDeliveryDate)}</Table.Td>
                  <Table.Td className="num">
                    <Money amount={s.carrierCost.amount} currency={s.carrierCost.currency} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {shipments.data && !shipments.data.data.length && <Empty>No shipments match.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

export function ShipmentPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const can = useCan()
  const key = ['shipment', id]
  const shipment = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<Shipment>(`/v1/shipments/${encodeURIComponent(id)}`, signal) })
  const cancel = useMutation({
    mutationFn: () => api.post<Shipment>(`/v1/shipments/${encodeURIComponent(id)}/cancel`, { reason: 'Cancelled in the console' }),
    onSuccess: (s) => {
      notifications.show({ message: `${s.number} cancelled; the label is void and the parcel can ship again` })
      qc.setQueryData(key, s)
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  if (shipment.isPending) return <Loader />
  if (shipment.error) return <ErrorAlert error={shipment.error} />
  const s = shipment.data
  return (
    <>
      <PageHeader
        title={
          <Group gap="xs">
            {s.number} <StatusBadge value={s.status} />
            {s.requiresProof && <Badge color="grape">proof of delivery</Badge>}
          </Group>
        }
        subtitle={
          <>
            <Anchor component={Link} to="/shipments" size="sm">
              Shipments
            </Anchor>{' '}
            · order{' '}
            <Anchor component={Link} to={`/orders/${s.orderNumber}`} size="sm">
              {s.orderNumber}
            </Anchor>{' '}
            · {s.carrier.name} {s.service.name} · <span className="mono">{s.trackingNumber}</span>
          </>
        }
        actions={
          <>
            {s.status !== 'cancelled' && (
              <Button component="a" href={`/v1/shipments/${s.id}/label.pdf${s.packages.length > 1 ? '?package=1' : ''}`} target="_blank" variant="default">
                Label
              </Button>
            )}
            {s.allowedActions.includes('cancel') && can('shipping:write') && (
              <Button variant="light" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
                Cancel shipment
              </Button>
            )}
          </>
        }
      />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="sm">
            <Card withBorder padding="sm" aria-label="Tracking">
              <Title order={4} fz="sm" mb="sm">
                Tracking
              </Title>
              {!s.trackingEvents.length && (
                <Text size="sm" c="dimmed">
                  No tracking events yet.
                </Text>
              )}
              <Timeline bulletSize={12} lineWidth={2} active={-1}>
                {[...s.trackingEvents].reverse().map((e) => (
                  <Timeline.Item key={e.id} title={humanize(e.status)} style={{ opacity: e.applied ? 1 : 0.5 }}>
                    <Text size="xs" c="dimmed">
                      <When iso={e.occurredAt} /> · {e.location ?? ''} · {e.source}
                      {!e.applied && ' · not applied (late or repeated)'}
                    </Text>
                    {e.detail && <Text size="sm">{e.detail}</Text>}
                  </Timeline.Item>
                ))}
              </Timeline>
              {can('tracking:write') && !['delivered', 'cancelled', 'returned_to_sender'].includes(s.status) && <TrackingForm shipment={s} onDone={(x) => qc.setQueryData(key, x)} />}
            </Card>
            <Card withBorder padding="sm" aria-label="Packages">
              <Title order={4} fz="sm" mb="xs">
                Packages
              </Title>
              <Table>
                <Table.Tbody>
                  {s.packages.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>
                        {p.seq} of {s.packages.length}
                      </Table.Td>
                      <Table.Td className="mono">{p.trackingNumber}</Table.Td>
                      <Table.Td>{p.boxCode ?? `${p.lengthMm}×${p.widthMm}×${p.heightMm} mm`}</Table.Td>
                      <Table.Td>{p.contents.map((c) => `${c.quantity} × ${c.sku}`).join(', ')}</Table.Td>
                      <Table.Td className="num">{(p.weightGrams / 1000).toFixed(2)} kg</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder padding="sm">
            <Table>
              <Table.Tbody>
                {(
                  [
                    ['From', `${s.origin.code} · ${s.origin.name}`],
                    ['To', [s.destination.name, s.destination.line1, [s.destination.postalCode, s.destination.city].filter(Boolean).join(' '), s.destination.country].filter(Boolean).join(', ')],
                    ['Ship date', formatDate(s.shipDate)],
                    ['Promised by', formatDate(s.promisedBy)],
                    ['Estimated delivery', formatDate(s.estimatedDeliveryDate)],
                    ['Delivered', s.deliveredAt ? formatDate(s.deliveredAt) : '—'],
                    ['Weight', `${(s.weightGrams / 1000).toFixed(2)} kg`],
                    ['Carrier cost', <Money key="c" amount={s.carrierCost.amount} currency={s.carrierCost.currency} />],
                    ['Customer freight', s.customerFreight ? <Money key="f" amount={s.customerFreight.amount} currency={s.customerFreight.currency} /> : '—'],
                    ['Fulfilment', s.fulfillmentNumber],
                    ['Manifest', s.manifestId ? 'on a manifest' : 'not yet'],
                  ] as const
                ).map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Td c="dimmed" w={150}>
                      {k}
                    </Table.Td>
                    <Table.Td>{v}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  )
}

/** Record what a carrier or driver reported, e.g. from a phone call. */
function TrackingForm({ shipment, onDone }: { shipment: Shipment; onDone: (s: Shipment) => void }) {
  const [status, setStatus] = useState<string | null>(null)
  const [location, setLocation] = useState('')
  const [detail, setDetail] = useState('')
  const [code, setCode] = useState('')
  const add = useMutation({
    mutationFn: () =>
      api.post<Shipment>(`/v1/shipments/${shipment.id}/tracking-events`, {
        status,
        occurredAt: new Date().toISOString(),
        source: 'customer_service',
        ...(location.trim() ? { location: location.trim() } : {}),
        ...(detail.trim() ? { detail: detail.trim() } : {}),
        ...(status === 'delivered' && code.trim() ? { deliveryCode: code.trim() } : {}),
      }),
    onSuccess: async () => {
      onDone(await api.get<Shipment>(`/v1/shipments/${shipment.id}`))
      notifications.show({ color: 'teal', message: `${shipment.number}: ${humanize(status ?? '')} recorded` })
      setStatus(null)
      setDetail('')
    },
  })
  const { byField, other } = fieldErrors(add.error instanceof ApiError ? add.error.problem : null, ['status', 'location', 'detail', 'deliveryCode'])
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        add.mutate()
      }}
    >
      <Group gap="xs" align="flex-start" mt="sm">
        <Select placeholder="New status" aria-label="Tracking status" data={TRACKING_STATUSES.map((t) => ({ value: t, label: humanize(t) }))} value={status} onChange={setStatus} error={byField.status} w={170} />
        <TextInput placeholder="Where" aria-label="Where" value={location} onChange={(e) => setLocation(e.currentTarget.value)} error={byField.location} w={140} />
        {status === 'delivered' && shipment.requiresProof && <TextInput placeholder="Delivery code" aria-label="Delivery code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={byField.deliveryCode} w={130} />}
        <Textarea placeholder="Detail" aria-label="Detail" value={detail} onChange={(e) => setDetail(e.currentTarget.value)} autosize minRows={1} w={200} />
        <Button type="submit" variant="light" disabled={!status} loading={add.isPending}>
          Record
        </Button>
      </Group>
      {add.error && (other.length > 0 || !(add.error instanceof ApiError) || !add.error.problem.errors?.length) ? <ErrorAlert error={add.error} /> : null}
    </form>
  )
}
