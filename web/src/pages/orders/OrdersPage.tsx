import { ActionIcon, Anchor, Button, Card, Group, Menu, Popover, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { useLocalStorage } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api, fetchAll } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { Channel, Order } from '../../api/types'
import { LocationSelect } from '../../components/inputs'
import { CursorPager, Empty, ErrorAlert, Money, PageHeader, StatusBadge, When } from '../../components/common'
import { decimal, toCsv } from '../../lib/csv'
import {
  activeFilterCount,
  filtersFromSearch,
  filtersToSearch,
  FULFILLMENT_STATUSES,
  HOLD_CODES,
  ORDER_STATUSES,
  parseViews,
  PAYMENT_STATUSES,
  saveView,
  type OrderFilters,
  type SavedView,
} from '../../lib/filters'
import { fractionDigits, humanize } from '../../lib/format'
import { ApiError, problemText } from '../../lib/problem'

const PAGE_SIZE = 50
const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: humanize(v) }))

export function OrdersPage() {
  const [params, setParams] = useSearchParams()
  const filters = filtersFromSearch(params)
  const navigate = useNavigate()
  const set = (patch: Partial<OrderFilters>) => setParams(filtersToSearch({ ...filters, ...patch }), { replace: true })

  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels') })
  const { query: orders, pager } = useCursorPage<Order>(['orders'], `/v1/orders?${filtersToSearch(filters)}`, { limit: PAGE_SIZE })

  const [q, setQ] = useState(filters.q ?? '')
  useEffect(() => setQ(filters.q ?? ''), [filters.q])

  return (
    <>
      <PageHeader title="Orders" actions={<ViewsMenu filters={filters} onApply={(search) => setParams(new URLSearchParams(search), { replace: true })} />}>
        <Card withBorder padding="xs">
          <Group gap="xs" align="flex-end" wrap="wrap">
            <form
              onSubmit={(e) => {
                e.preventDefault()
                set({ q })
              }}
            >
              <TextInput label="Search" placeholder="Number, e-mail, external id" value={q} onChange={(e) => setQ(e.currentTarget.value)} onBlur={() => q !== (filters.q ?? '') && set({ q })} w={220} />
            </form>
            <Select label="Status" data={options(ORDER_STATUSES)} value={filters.status ?? null} onChange={(v) => set({ status: (v ?? undefined) as OrderFilters['status'] })} clearable w={130} />
            <Select label="Fulfillment" data={options(FULFILLMENT_STATUSES)} value={filters.fulfillmentStatus ?? null} onChange={(v) => set({ fulfillmentStatus: (v ?? undefined) as OrderFilters['fulfillmentStatus'] })} clearable w={160} />
            <Select label="Payment" data={options(PAYMENT_STATUSES)} value={filters.paymentStatus ?? null} onChange={(v) => set({ paymentStatus: (v ?? undefined) as OrderFilters['paymentStatus'] })} clearable w={150} />
            <Select label="Hold" data={options(HOLD_CODES)} value={filters.holdCode ?? null} onChange={(v) => set({ holdCode: (v ?? undefined) as OrderFilters['holdCode'] })} clearable w={120} />
            <Select label="Channel" data={(channels.data?.data ?? []).map((c) => ({ value: c.code, label: c.name }))} value={filters.channel ?? null} onChange={(v) => set({ channel: v ?? undefined })} clearable w={150} />
            <div style={{ width: 170 }}>
              <LocationSelect label="Warehouse" value={filters.location ?? null} onChange={(v) => set({ location: v ?? undefined })} clearable />
            </div>
            <DatePickerInput
              type="range"
              label="Created"
              placeholder="Any date"
              size="xs"
              value={[filters.createdFrom ?? null, filters.createdTo ?? null]}
              onChange={([from, to]) => set({ createdFrom: from ?? undefined, createdTo: to ?? undefined })}
              clearable
              w={210}
              valueFormat="D MMM YYYY"
            />
            <TextInput label="SKU" placeholder="e.g. AP-TEE-GRY-M" defaultValue={filters.sku} key={`sku-${filters.sku ?? ''}`} onBlur={(e) => e.currentTarget.value !== (filters.sku ?? '') && set({ sku: e.currentTarget.value })} onKeyDown={(e) => e.key === 'Enter' && set({ sku: e.currentTarget.value })} w={140} />
            {activeFilterCount(filters) > 0 && (
              <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                Clear filters
              </Button>
            )}
            <Group gap="xs" ml="auto">
              <ExportButton filters={filters} />
            </Group>
          </Group>
        </Card>
      </PageHeader>
      {orders.error ? <ErrorAlert error={orders.error} /> : null}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover stickyHeader aria-label="Orders">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Fulfillment</Table.Th>
                <Table.Th>Payment</Table.Th>
                <Table.Th className="num">Items</Table.Th>
                <Table.Th className="num">Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody style={{ opacity: orders.isPlaceholderData ? 0.6 : 1 }}>
              {orders.data?.data.map((o) => (
                <Table.Tr key={o.id} className="row-link" onClick={(e) => (e.metaKey || e.ctrlKey ? window.open(`/orders/${o.number}`) : navigate(`/orders/${o.number}`))}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orders/${o.number}`} fw={600} onClick={(e) => e.stopPropagation()}>
                      {o.number}
                    </Anchor>
                    {o.externalId && (
                      <Text size="xs" c="dimmed">
                        {o.externalId}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <When iso={o.createdAt} relative />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={1}>
                      {o.customer.name ?? o.customer.email}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {o.shippingAddress.city}, {o.shippingAddress.country}
                    </Text>
                  </Table.Td>
                  <Table.Td>{o.channel}</Table.Td>
                  <Table.Td>
                    <StatusBadge value={o.status} title={o.holds.filter((h) => !h.releasedAt).map((h) => `${humanize(h.code)}: ${h.detail}`).join(' · ') || undefined} />
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge value={o.fulfillmentStatus} />
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge value={o.paymentStatus} />
                  </Table.Td>
                  <Table.Td className="num">{o.lines.reduce((n, l) => n + l.quantity - l.cancelledQuantity, 0)}</Table.Td>
                  <Table.Td className="num">
                    <Money amount={o.totals.total} currency={o.currency} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {orders.isPending && <Empty>Loading…</Empty>}
        {orders.data && !orders.data.data.length && <Empty>No orders match these filters.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

/** Saved views: named filter sets kept in this browser. */
function ViewsMenu({ filters, onApply }: { filters: OrderFilters; onApply: (search: string) => void }) {
  const [raw, setRaw] = useLocalStorage<string>({ key: 'ordo.orderViews', defaultValue: '[]', serialize: (v) => v, deserialize: (v) => v ?? '[]' })
  const views = parseViews(raw)
  const store = (next: SavedView[]) => setRaw(JSON.stringify(next))
  const [name, setName] = useState('')
  const [open, setOpen] = useState(false)
  const current = filtersToSearch(filters).toString()
  return (
    <Group gap={4}>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default">Views{views.length ? ` (${views.length})` : ''}</Button>
        </Menu.Target>
        <Menu.Dropdown miw={220}>
          <Menu.Item onClick={() => onApply('')}>All orders</Menu.Item>
          {views.map((v) => (
            <Menu.Item
              key={v.name}
              onClick={() => onApply(v.search)}
              fw={v.search === current ? 600 : undefined}
              rightSection={
                <Tooltip label="Delete view">
                  <ActionIcon
                    size="xs"
                    variant="subtle"
                    color="gray"
                    aria-label={`Delete view ${v.name}`}
                    onClick={(e) => {
                      e.stopPropagation()
                      store(views.filter((x) => x.name !== v.name))
                    }}
                  >
                    ×
                  </ActionIcon>
                </Tooltip>
              }
            >
              {v.name}
            </Menu.Item>
          ))}
          {!views.length && <Menu.Label>No saved views yet</Menu.Label>}
        </Menu.Dropdown>
      </Menu>
      <Popover opened={open} onChange={setOpen} position="bottom-end" withinPortal trapFocus>
        <Popover.Target>
          <Button variant="default" onClick={() => setOpen((o) => !o)} disabled={!current}>
            Save view
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              store(saveView(views, name, filters))
              notifications.show({ message: `View "${name.trim()}" saved in this browser` })
              setName('')
              setOpen(false)
            }}
          >
            <Stack gap="xs">
              <TextInput label="Name of this view" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
              <Button type="submit">Save</Button>
            </Stack>
          </form>
        </Popover.Dropdown>
      </Popover>
    </Group>
  )
}

/** Downloads every order matching the filters as CSV (paged from the API, up to 20,000). */
function ExportButton({ filters }: { filters: OrderFilters }) {
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      const query = filtersToSearch(filters).toString()
      const { rows, complete } = await fetchAll<Order>(`/v1/orders${query ? `?${query}` : ''}`, { max: 20_000 })
      const csv = toCsv(
        ['number', 'created_at', 'channel', 'external_id', 'customer_email', 'customer_name', 'status', 'fulfillment_status', 'payment_status', 'currency', 'subtotal', 'discount', 'tax', 'shipping', 'total', 'units', 'skus', 'open_holds', 'ship_to_country', 'ship_to_postal_code'],
        rows.map((o) => {
          const d = fractionDigits(o.currency)
          return [
            o.number,
            o.createdAt,
            o.channel,
            o.externalId,
            o.customer.email,
            o.customer.name,
            o.status,
            o.fulfillmentStatus,
            o.paymentStatus,
            o.currency,
            decimal(o.totals.subtotal, d),
            decimal(o.totals.discount, d),
            decimal(o.totals.tax, d),
            decimal(o.totals.shipping, d),
            decimal(o.totals.total, d),
            o.lines.reduce((n, l) => n + l.quantity - l.cancelledQuantity, 0),
            o.lines.map((l) => `${l.sku}×${l.quantity - l.cancelledQuantity}`).join(' '),
            o.holds.filter((h) => !h.releasedAt).map((h) => h.code).join(' '),
            o.shippingAddress.country,
            o.shippingAddress.postalCode,
          ]
        }),
      )
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
      const a = document.createElement('a')
      a.href = url
      a.download = `orders-${new Date().toISOString().slice(0, 10)}.csv`
      a.click()
      URL.revokeObjectURL(url)
      notifications.show({ color: complete ? 'teal' : 'yellow', message: `${rows.length} orders exported${complete ? '' : ' (the first 20,000)'}` })
    } catch (err) {
      notifications.show({ color: 'red', title: 'Export failed', message: err instanceof ApiError ? problemText(err.problem) : String(err) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Button variant="default" onClick={run} loading={busy}>
      Export CSV
    </Button>
  )
}
