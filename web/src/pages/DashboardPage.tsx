import { AreaChart, BarChart } from '@mantine/charts'
import { Anchor, Card, Group, Loader, SimpleGrid, Table, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { api, fetchAll } from '../api/client'
import type { LowStockRow, Order } from '../api/types'
import { Empty, ErrorAlert, Money, PageHeader, StatusBadge } from '../components/common'
import { summarize, type Money as Amount } from '../lib/dashboard'
import { formatDate, formatMoney, fractionDigits, humanize, localDay, toMajor } from '../lib/format'

const DAYS = 30

function Stat({ label, value, hint, to }: { label: string; value: React.ReactNode; hint?: React.ReactNode; to?: string }) {
  const body = (
    <Card withBorder padding="sm" radius="sm" h="100%">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={24} fw={650} className="num" ta="left" data-stat={label}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  )
  return to ? (
    <Anchor component={Link} to={to} underline="never" c="inherit">
      {body}
    </Anchor>
  ) : (
    body
  )
}

const amounts = (list: Amount[]) => (list.length ? list.map((m) => formatMoney(m.amount, m.currency)).join(' + ') : formatMoney(0, 'EUR'))

export function DashboardPage() {
  const now = new Date()
  const from = localDay(new Date(now.getTime() - (DAYS - 1) * 86_400_000))
  // Orders of the last 30 days (by the browser's day) and every open order, paged from the API.
  const data = useQuery({
    queryKey: ['dashboard', from],
    queryFn: async ({ signal }) => {
      const [recent, held, pending, confirmed, low] = await Promise.all([
        fetchAll<Order>(`/v1/orders?createdFrom=${from}`, { signal }),
        fetchAll<Order>('/v1/orders?status=on_hold', { signal }),
        fetchAll<Order>('/v1/orders?status=pending', { signal }),
        fetchAll<Order>('/v1/orders?status=confirmed', { signal }),
        api.get<{ data: LowStockRow[] }>('/v1/inventory/low-stock', signal),
      ])
      const open = [...held.rows, ...pending.rows, ...confirmed.rows]
      return { summary: summarize(recent.rows, open, new Date(), { days: DAYS }), complete: recent.complete && held.complete && confirmed.complete, low: low.data, openCount: open.length, held: held.rows.length }
    },
    refetchInterval: 60_000,
  })

  if (data.isPending) {
    return (
      <>
        <PageHeader title="Dashboard" />
        <Loader />
      </>
    )
  }
  if (data.error) return <ErrorAlert error={data.error} />
  const { summary: s, low, openCount, held, complete } = data.data
  const currency = s.currency ?? 'EUR'
  return (
    <>
      <PageHeader title="Dashboard" subtitle={`Today and the last ${DAYS} days${complete ? '' : ' (the newest 5,000 orders)'}`} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm" mb="md">
        <Stat label="Orders today" value={s.today.orders} to={`/orders?createdFrom=${localDay(now)}`} />
        <Stat label="Revenue today" value={amounts(s.today.revenue)} hint="excluding cancelled" />
        <Stat label="Open orders" value={openCount} hint="pending, confirmed, on hold" />
        <Stat label="On hold" value={held} to="/orders?status=on_hold" />
        <Stat label="Late" value={s.late.length} hint="past the promised date, not shipped" />
        <Stat label="Low stock" value={low.length} to="/inventory/low-stock" hint="at or below reorder point" />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm" mb="md">
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Orders per day
          </Title>
          <BarChart h={180} data={s.days.map((d) => ({ ...d, label: d.day.slice(5) }))} dataKey="label" series={[{ name: 'orders', label: 'Orders', color: 'indigo.6' }]} tickLine="none" gridAxis="y" withTooltip />
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Revenue per day ({currency})
          </Title>
          <AreaChart
            h={180}
            data={s.days.map((d) => ({ label: d.day.slice(5), revenue: toMajor(d.revenue, currency) }))}
            dataKey="label"
            series={[{ name: 'revenue', label: 'Revenue', color: 'teal.6' }]}
            curveType="monotone"
            tickLine="none"
            gridAxis="y"
            valueFormatter={(v) => formatMoney(Math.round(v * 10 ** fractionDigits(currency)), currency)}
          />
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2, xl: 4 }} spacing="sm">
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Orders by status ({DAYS} days)
          </Title>
          <Table>
            <Table.Tbody>
              {Object.entries(s.byStatus)
                .sort((a, b) => b[1] - a[1])
                .map(([status, n]) => (
                  <Table.Tr key={status}>
                    <Table.Td>
                      <Anchor component={Link} to={`/orders?status=${status}&createdFrom=${from}`}>
                        <StatusBadge value={status} />
                      </Anchor>
                    </Table.Td>
                    <Table.Td className="num">{n}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            By channel ({DAYS} days)
          </Title>
          <Table>
            <Table.Tbody>
              {s.byChannel.map((c) => (
                <Table.Tr key={c.channel}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orders?channel=${encodeURIComponent(c.channel)}&createdFrom=${from}`}>
                      {c.channel}
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="num">{c.orders}</Table.Td>
                  <Table.Td className="num">{amounts(c.revenue)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!s.byChannel.length && <Empty>No orders yet</Empty>}
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Open holds
          </Title>
          <Table>
            <Table.Tbody>
              {s.holds.map((h) => (
                <Table.Tr key={h.code}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orders?status=on_hold&holdCode=${h.code}`}>
                      {humanize(h.code)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="num">{h.orders}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!s.holds.length && <Empty>No open holds</Empty>}
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Backlog by warehouse
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Location</Table.Th>
                <Table.Th className="num">Orders</Table.Th>
                <Table.Th className="num">Units</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.backlog.map((b) => (
                <Table.Tr key={b.location}>
                  <Table.Td>{b.location}</Table.Td>
                  <Table.Td className="num">{b.orders}</Table.Td>
                  <Table.Td className="num">{b.units}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!s.backlog.length && <Empty>Nothing waiting to ship</Empty>}
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm" mt="sm">
        <Card withBorder padding="sm">
          <Group justify="space-between" mb="xs">
            <Title order={4} fz="sm">
              Low stock
            </Title>
            <Anchor component={Link} to="/inventory/low-stock" size="xs">
              All {low.length}
            </Anchor>
          </Group>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>SKU</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th className="num">Available</Table.Th>
                <Table.Th className="num">Reorder point</Table.Th>
                <Table.Th className="num">Suggested</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {low.slice(0, 8).map((r) => (
                <Table.Tr key={`${r.sku}@${r.location}`}>
                  <Table.Td className="mono">{r.sku}</Table.Td>
                  <Table.Td>{r.location}</Table.Td>
                  <Table.Td className="num">{r.available}</Table.Td>
                  <Table.Td className="num">{r.reorderPoint}</Table.Td>
                  <Table.Td className="num">{r.suggestedOrderQuantity}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!low.length && <Empty>Nothing below its reorder point</Empty>}
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Late orders
          </Title>
          <Table>
            <Table.Tbody>
              {s.late.slice(0, 8).map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orders/${o.number}`}>
                      {o.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>promised {formatDate(o.promisedDeliveryDate)}</Table.Td>
                  <Table.Td>
                    <StatusBadge value={o.fulfillmentStatus} />
                  </Table.Td>
                  <Table.Td className="num">
                    <Money amount={o.totals.total} currency={o.currency} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!s.late.length && <Empty>No late orders</Empty>}
        </Card>
      </SimpleGrid>
    </>
  )
}
