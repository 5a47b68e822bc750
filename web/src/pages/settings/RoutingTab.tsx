import { Alert, Button, Card, Group, MultiSelect, NumberInput, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { api } from '../../api/client'
import { useCan } from '../../auth/session'
import { ErrorAlert, When } from '../../components/common'
import { useLocations } from '../../components/inputs'
import { humanize } from '../../lib/format'
import { ApiError } from '../../lib/problem'

interface Policy {
  filters: { code: string }[]
  rankers: { code: string; weight: number }[]
  split: { allowed: boolean; maxShipments: number; preferSingleLocation: boolean; fewestShipments?: boolean }
  locations: unknown[]
  excludedLocations: string[]
}
interface PolicyRecord {
  scope: string
  policy: Policy
  version: number
  updatedAt: string | null
  updatedBy: string | null
}
interface SimulationResult {
  label: 'policy' | 'compare'
  orders: number
  fullyFillable: number
  splitRate: number
  backorderRate: number
  shipmentsPerOrder: number
  meanDistanceKm: number | null
  estimatedShippingCost: { total: number; perOrder: number | null; unpricedShipments: number }
  byLocation: { location: string; shipments: number; units: number }[]
}

/** The default routing policy: ranker weights and split rules, tried on past orders before saving. */
export function RoutingTab() {
  const qc = useQueryClient()
  const can = useCan()
  const locations = useLocations()
  const stored = useQuery({ queryKey: ['routing-policy'], queryFn: () => api.get<{ default: PolicyRecord; channels: PolicyRecord[] }>('/v1/routing/policy') })
  const [draft, setDraft] = useState<Policy | null>(null)
  useEffect(() => {
    if (stored.data) setDraft(structuredClone(stored.data.default.policy))
  }, [stored.data])
  const simulate = useMutation({
    mutationFn: () => api.post<{ orders: number; results: SimulationResult[] }>('/v1/routing/simulate', { policy: draft, compare: stored.data!.default.policy, window: { limit: 500 } }),
  })
  const save = useMutation({
    mutationFn: () => api.put<PolicyRecord>('/v1/routing/policy', draft),
    onSuccess: (p) => {
      notifications.show({ color: 'teal', message: `Routing policy version ${p.version} saved; new orders route by it` })
      void qc.invalidateQueries({ queryKey: ['routing-policy'] })
    },
  })
  if (stored.error) return <ErrorAlert error={stored.error} />
  if (!draft || !stored.data) return null
  const rec = stored.data.default
  const changed = JSON.stringify(draft) !== JSON.stringify(rec.policy)
  const pct = (n: number) => `${(n * 100).toFixed(1)} %`
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Version {rec.version}
        {rec.updatedAt && (
          <>
            , saved <When iso={rec.updatedAt} relative /> by {rec.updatedBy}
          </>
        )}
        . {stored.data.channels.length ? `${stored.data.channels.length} channel(s) have their own policy.` : 'No channel has its own policy.'}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            What counts, and how much
          </Title>
          <Table>
            <Table.Tbody>
              {draft.rankers.map((r, i) => (
                <Table.Tr key={r.code}>
                  <Table.Td>{humanize(r.code)}</Table.Td>
                  <Table.Td w={120}>
                    <NumberInput aria-label={`Weight of ${r.code}`} value={r.weight} min={0} max={100} onChange={(v) => setDraft({ ...draft, rankers: draft.rankers.map((x, j) => (j === i ? { ...x, weight: Number(v) || 0 } : x)) })} disabled={!can('routing:write')} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder padding="sm">
          <Title order={4} fz="sm" mb="xs">
            Splitting and exclusions
          </Title>
          <Stack gap="xs">
            <Switch label="Orders may ship from several locations" checked={draft.split.allowed} onChange={(e) => setDraft({ ...draft, split: { ...draft.split, allowed: e.currentTarget.checked } })} disabled={!can('routing:write')} />
            <NumberInput label="At most this many shipments per order" value={draft.split.maxShipments} min={1} max={50} onChange={(v) => setDraft({ ...draft, split: { ...draft.split, maxShipments: Number(v) || 1 } })} w={240} disabled={!can('routing:write') || !draft.split.allowed} />
            <Switch label="A location that ships everything beats any score" checked={draft.split.preferSingleLocation} onChange={(e) => setDraft({ ...draft, split: { ...draft.split, preferSingleLocation: e.currentTarget.checked } })} disabled={!can('routing:write')} />
            <MultiSelect label="Never ship from" data={(locations.data?.data ?? []).map((l) => l.code)} value={draft.excludedLocations} onChange={(v) => setDraft({ ...draft, excludedLocations: v })} disabled={!can('routing:write')} clearable />
          </Stack>
        </Card>
      </SimpleGrid>
      <Group>
        <Button variant="default" onClick={() => simulate.mutate()} loading={simulate.isPending}>
          Try on the last 500 orders
        </Button>
        {can('routing:write') && (
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!changed}>
            Save policy
          </Button>
        )}
        {changed && (
          <Button variant="subtle" onClick={() => setDraft(structuredClone(rec.policy))}>
            Undo changes
          </Button>
        )}
      </Group>
      {save.error ? <ErrorAlert error={save.error} /> : null}
      {simulate.error ? <ErrorAlert error={simulate.error} /> : null}
      {simulate.data && (
        <Card withBorder padding="sm" aria-label="Simulation">
          <Title order={4} fz="sm" mb="xs">
            {simulate.data.orders} orders routed again from today's stock (nothing reserved)
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {simulate.data.results.map((r) => (
                  <Table.Th key={r.label} className="num">
                    {r.label === 'policy' ? 'This draft' : 'Saved policy'}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(
                [
                  ['Shipped complete', (r: SimulationResult) => pct(r.fullyFillable)],
                  ['Split', (r: SimulationResult) => pct(r.splitRate)],
                  ['Backordered', (r: SimulationResult) => pct(r.backorderRate)],
                  ['Shipments per order', (r: SimulationResult) => r.shipmentsPerOrder.toFixed(2)],
                  ['Mean distance', (r: SimulationResult) => (r.meanDistanceKm === null ? '—' : `${r.meanDistanceKm.toFixed(0)} km`)],
                  ['Shipping cost per order', (r: SimulationResult) => (r.estimatedShippingCost.perOrder === null ? '—' : (r.estimatedShippingCost.perOrder / 100).toFixed(2))],
                  ['Shipments by location', (r: SimulationResult) => r.byLocation.map((b) => `${b.location} ${b.shipments}`).join(', ')],
                ] as const
              ).map(([label, f]) => (
                <Table.Tr key={label}>
                  <Table.Td>{label}</Table.Td>
                  {simulate.data.results.map((r) => (
                    <Table.Td key={r.label} className="num">
                      {f(r)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {save.error instanceof ApiError && save.error.status === 412 && <Alert color="yellow">Someone saved the policy meanwhile; reload to see theirs.</Alert>}
    </Stack>
  )
}
