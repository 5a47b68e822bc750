import { Anchor, Badge, Button, Card, Grid, Group, Loader, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { api } from '../../api/client'
import type { Picklist } from '../../api/types'
import { useCan } from '../../auth/session'
import { ErrorAlert, PageHeader, StatusBadge, When } from '../../components/common'
import { ApiError, problemText } from '../../lib/problem'
import { PickProgress } from './PicklistsPage'

export const picklistKey = (id: string) => ['picklist', id] as const

export function PicklistPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const can = useCan()
  const picklist = useQuery({ queryKey: picklistKey(id), queryFn: ({ signal }) => api.get<Picklist>(`/v1/picklists/${encodeURIComponent(id)}`, signal) })
  const action = useMutation({
    mutationFn: (command: 'complete' | 'cancel') => api.post<Picklist & { returnedToQueue?: { sku: string; quantity: number }[] }>(`/v1/picklists/${encodeURIComponent(id)}/${command}`),
    onSuccess: (p, command) => {
      const returned = p.returnedToQueue?.reduce((n, u) => n + u.quantity, 0) ?? 0
      notifications.show({ color: 'teal', message: command === 'cancel' ? `${p.number} cancelled; its orders are back in the queue` : `${p.number} completed${returned ? `; ${returned} unpicked unit(s) back in the queue` : ''}` })
      qc.setQueryData(picklistKey(id), p)
      void qc.invalidateQueries({ queryKey: ['picklists'] })
      void qc.invalidateQueries({ queryKey: ['fulfillments'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  if (picklist.isPending) return <Loader />
  if (picklist.error) return <ErrorAlert error={picklist.error} />
  const p = picklist.data
  const allowed = new Set(p.allowedActions)
  const a = p.accuracy
  return (
    <>
      <PageHeader
        title={
          <Group gap="xs">
            {p.number} <StatusBadge value={p.status} />
          </Group>
        }
        subtitle={
          <>
            <Anchor component={Link} to={`/warehouse/picklists?location=${p.location}`} size="sm">
              Picklists
            </Anchor>{' '}
            · {p.location} · created <When iso={p.createdAt} /> by {p.createdBy}
          </>
        }
        actions={
          <>
            <Button component="a" href={`/v1/picklists/${p.id}.pdf`} target="_blank" variant="default">
              Print
            </Button>
            {(p.status === 'open' || p.status === 'in_progress') && can('fulfillment:write') && (
              <Button component={Link} to={`/warehouse/scan/${p.id}`}>
                Scan to pick
              </Button>
            )}
            {allowed.has('complete') && can('fulfillment:write') && (
              <Button variant="default" onClick={() => action.mutate('complete')} loading={action.isPending && action.variables === 'complete'}>
                Complete
              </Button>
            )}
            {allowed.has('cancel') && can('fulfillment:write') && (
              <Button variant="light" color="red" onClick={() => action.mutate('cancel')} loading={action.isPending && action.variables === 'cancel'}>
                Cancel
              </Button>
            )}
          </>
        }
      />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder padding={0}>
            <Table.ScrollContainer minWidth={340}>
              <Table aria-label="Walk">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th visibleFrom="sm">#</Table.Th>
                    <Table.Th>Bin</Table.Th>
                    <Table.Th>Item</Table.Th>
                    <Table.Th visibleFrom="sm">Lot</Table.Th>
                    <Table.Th className="num">Qty</Table.Th>
                    <Table.Th className="num">Picked</Table.Th>
                    <Table.Th className="num" visibleFrom="sm">Short</Table.Th>
                    <Table.Th visibleFrom="sm">For</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.lines.map((l) => (
                    <Table.Tr key={l.id} style={{ opacity: l.remainingQuantity === 0 ? 0.55 : 1 }}>
                      <Table.Td visibleFrom="sm">{l.seq}</Table.Td>
                      <Table.Td className="mono" fw={600} style={{ whiteSpace: 'nowrap' }}>
                        {l.bin ?? '(no bin)'}
                        {l.zone && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            {l.zone}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{l.name}</Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {l.sku} · {l.barcode}
                        </Text>
                      </Table.Td>
                      <Table.Td className="mono" visibleFrom="sm">{l.lot ? `${l.lot}${l.expiresOn ? ` (${l.expiresOn})` : ''}` : ''}</Table.Td>
                      <Table.Td className="num">{l.quantity}</Table.Td>
                      <Table.Td className="num" c={l.pickedQuantity === l.quantity ? 'teal' : undefined}>
                        {l.pickedQuantity}
                      </Table.Td>
                      <Table.Td className="num" c={l.shortQuantity ? 'red' : undefined} visibleFrom="sm">
                        {l.shortQuantity || ''}
                      </Table.Td>
                      <Table.Td visibleFrom="sm">
                        <Group gap={4}>
                          {l.orders.map((o) => (
                            <Badge key={o.fulfillmentOrderId} variant="outline" color="gray" title={o.fulfillmentNumber}>
                              {o.orderNumber} × {o.quantity}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="sm">
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb="xs">
                Progress
              </Title>
              <PickProgress progress={p.progress} />
              <Text size="sm" mt="xs">
                Accuracy {a.accuracy === null ? '—' : `${(a.accuracy * 100).toFixed(1)} %`}{' '}
                <Text span size="xs" c="dimmed">
                  ({a.accepted} of {a.scans} scans; wrong bin {a.wrongBin}, wrong item {a.wrongItem}, over-pick {a.overPick}, short {a.short})
                </Text>
              </Text>
            </Card>
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb="xs">
                Fulfilment orders
              </Title>
              <Table>
                <Table.Tbody>
                  {p.fulfillmentOrders.map((f) => (
                    <Table.Tr key={f.id}>
                      <Table.Td className="mono">{f.number}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/orders/${f.orderNumber}`}>
                          {f.orderNumber}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge value={f.status} />
                      </Table.Td>
                      <Table.Td ta="right">
                        {f.status === 'picked' && (
                          <Button component={Link} to={`/warehouse/pack/${f.id}`} size="xs" variant="light">
                            Pack
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}
