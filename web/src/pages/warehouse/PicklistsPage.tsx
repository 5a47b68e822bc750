import { Anchor, Badge, Button, Card, Checkbox, Group, NumberInput, Progress, Select, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { FulfillmentOrder, Page, Picklist, PicklistSummary } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, PageHeader, StatusBadge, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { withParams } from '../../lib/filters'
import { formatDate, humanize } from '../../lib/format'
import { ApiError, fieldErrors } from '../../lib/problem'

/** Picklists of a location, and the fulfilment orders ready for the next wave. */
export function PicklistsPage() {
  const [params, setParams] = useSearchParams()
  const location = params.get('location')
  const status = params.get('status')
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next, { replace: true })
  }
  const { query: picklists, pager } = useCursorPage<PicklistSummary>(['picklists'], withParams('/v1/picklists', { location, status }))
  return (
    <>
      <PageHeader title="Picklists" subtitle="Waves of fulfilment orders, walked in bin order with a scanner">
        <Group gap="xs" align="flex-end">
          <div style={{ width: 220 }}>
            <LocationSelect value={location} onChange={(v) => setParam('location', v)} clearable />
          </div>
          <Select label="Status" data={['open', 'in_progress', 'completed', 'cancelled'].map((s) => ({ value: s, label: humanize(s) }))} value={status} onChange={(v) => setParam('status', v)} clearable w={150} />
        </Group>
      </PageHeader>
      {location && <ReadyToPick location={location} />}
      {!location && (
        <Text size="sm" c="dimmed" mb="sm">
          Choose a location to see what is ready to pick and start a wave.
        </Text>
      )}
      {picklists.error && <ErrorAlert error={picklists.error} />}
      <Card withBorder padding={0}>
        <Table highlightOnHover aria-label="Picklists">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Picklist</Table.Th>
              <Table.Th visibleFrom="sm">Location</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th w={220}>Progress</Table.Th>
              <Table.Th visibleFrom="sm">Created</Table.Th>
              <Table.Th visibleFrom="sm">By</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {picklists.data?.data.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/warehouse/picklists/${p.id}`} fw={600} style={{ whiteSpace: 'nowrap' }}>
                    {p.number}
                  </Anchor>
                </Table.Td>
                <Table.Td visibleFrom="sm">{p.location}</Table.Td>
                <Table.Td>
                  <StatusBadge value={p.status} />
                </Table.Td>
                <Table.Td>
                  <PickProgress progress={p.progress} />
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <When iso={p.createdAt} relative />
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <Text size="xs" c="dimmed">
                    {p.createdBy}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {picklists.data && !picklists.data.data.length && <Empty>No picklists.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

export function PickProgress({ progress }: { progress: PicklistSummary['progress'] }) {
  const done = progress.units ? ((progress.picked + progress.short) / progress.units) * 100 : 0
  return (
    <Stack gap={2}>
      <Progress.Root size="sm">
        <Progress.Section value={progress.units ? (progress.picked / progress.units) * 100 : 0} color="teal" />
        <Progress.Section value={progress.units ? (progress.short / progress.units) * 100 : 0} color="red" />
      </Progress.Root>
      <Text size="xs" c="dimmed">
        {progress.picked} of {progress.units} picked{progress.short ? `, ${progress.short} short` : ''} · {Math.round(done)} %
      </Text>
    </Stack>
  )
}

/** Open, unheld fulfilment orders at a location: pick some by hand, or let the wave planner take them in release order. */
function ReadyToPick({ location }: { location: string }) {
  const qc = useQueryClient()
  const can = useCan()
  const navigate = useNavigate()
  const [selected, setSelected] = useState<string[]>([])
  const [maxOrders, setMaxOrders] = useState<number | string>(20)
  const [cartUnits, setCartUnits] = useState<number | string>('')
  const ready = useQuery({
    queryKey: ['fulfillments', 'ready', location],
    queryFn: ({ signal }) => api.get<Page<FulfillmentOrder>>(`/v1/fulfillments?location=${encodeURIComponent(location)}&status=open&held=false&limit=200`, signal),
  })
  const create = useMutation({
    mutationFn: () =>
      api.post<Picklist>('/v1/picklists', {
        location,
        ...(selected.length ? { fulfillmentOrders: selected } : {}),
        ...(maxOrders !== '' ? { maxOrders: Number(maxOrders) } : {}),
        ...(cartUnits !== '' ? { cartCapacityUnits: Number(cartUnits) } : {}),
      }),
    onSuccess: (p) => {
      const deferred = p.deferred?.length ? `; ${p.deferred.length} left for later (${[...new Set(p.deferred.map((d) => humanize(d.reason)))].join(', ')})` : ''
      notifications.show({ color: 'teal', title: `Picklist ${p.number}`, message: `${p.fulfillmentOrders.length} fulfilment order(s), ${p.progress.units} units${deferred}` })
      void qc.invalidateQueries({ queryKey: ['picklists'] })
      void qc.invalidateQueries({ queryKey: ['fulfillments'] })
      navigate(`/warehouse/picklists/${p.id}`)
    },
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['maxOrders', 'cartCapacityUnits', 'fulfillmentOrders'])
  const rows = ready.data?.data ?? []
  const toggle = (number: string) => setSelected((s) => (s.includes(number) ? s.filter((x) => x !== number) : [...s, number]))
  return (
    <Card withBorder padding="sm" mb="sm" aria-label="Ready to pick">
      <Group justify="space-between" mb="xs" align="flex-end">
        <Title order={4} fz="sm">
          Ready to pick at {location}: {rows.length}
          {ready.data?.nextCursor ? '+' : ''}
        </Title>
        {can('fulfillment:write') && (
          <Group gap="xs" align="flex-end">
            <NumberInput label="Max orders" value={maxOrders} onChange={setMaxOrders} min={1} w={100} error={byField.maxOrders} disabled={selected.length > 0} />
            <NumberInput label="Cart units" placeholder="no limit" value={cartUnits} onChange={setCartUnits} min={1} w={100} error={byField.cartCapacityUnits} />
            <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!rows.length}>
              {selected.length ? `Create wave of ${selected.length} selected` : 'Create wave'}
            </Button>
          </Group>
        )}
      </Group>
      {create.error && (other.length > 0 || !(create.error instanceof ApiError) || !create.error.problem.errors?.length) ? <ErrorAlert error={create.error} /> : null}
      {byField.fulfillmentOrders && (
        <Text c="red" size="xs">
          {byField.fulfillmentOrders}
        </Text>
      )}
      <Table.ScrollContainer minWidth={340} mah={280}>
        <Table aria-label="Fulfilment orders ready to pick">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={30} />
              <Table.Th>Fulfilment</Table.Th>
              <Table.Th>Order</Table.Th>
              <Table.Th className="num">Units</Table.Th>
              <Table.Th>Promised</Table.Th>
              <Table.Th visibleFrom="sm">Ship to</Table.Th>
              <Table.Th visibleFrom="sm">Waiting since</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td>
                  <Checkbox size="xs" checked={selected.includes(f.number)} onChange={() => toggle(f.number)} aria-label={`Pick ${f.orderNumber}`} />
                </Table.Td>
                <Table.Td className="mono">{f.number}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/orders/${f.orderNumber}`}>
                    {f.orderNumber}
                  </Anchor>
                  {f.priority > 0 && (
                    <Badge ml={4} color="red" variant="light">
                      priority {f.priority}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td className="num">{f.lines.reduce((n, l) => n + l.quantity - l.pickedQuantity, 0)}</Table.Td>
                <Table.Td>{f.promisedDate ? formatDate(f.promisedDate) : '—'}</Table.Td>
                <Table.Td visibleFrom="sm">{[f.shipTo.city, f.shipTo.country].filter(Boolean).join(', ')}</Table.Td>
                <Table.Td visibleFrom="sm">
                  <When iso={f.createdAt} relative />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {ready.data && !rows.length && <Empty>Nothing is waiting to be picked here.</Empty>}
    </Card>
  )
}

