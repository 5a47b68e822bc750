import { Anchor, Button, Card, Group, Select, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { Carrier, Manifest, Page, Shipment } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, FormProblem, PageHeader, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { withParams } from '../../lib/filters'
import { formatDate } from '../../lib/format'
import { fieldErrors, problemOf } from '../../lib/problem'

const pdf = (m: Manifest) => `/v1/manifests/${m.id}.pdf`
const newAttempt = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`

/** Closing the day: one manifest per carrier and location for the driver to sign, printed as PDF. */
export function ManifestsPage() {
  const qc = useQueryClient()
  const can = useCan()
  const [params, setParams] = useSearchParams()
  const carrier = params.get('carrier')
  const location = params.get('location')
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next, { replace: true })
  }
  const { query: manifests, pager } = useCursorPage<Manifest>(['manifests'], withParams('/v1/manifests', { carrier, location }))
  const carriers = useQuery({ queryKey: ['carriers'], queryFn: () => api.get<{ data: Carrier[] }>('/v1/carriers') })
  const [created, setCreated] = useState<Manifest | null>(null)
  // One key per closing: a retried click returns the same manifest, a later pickup gets its own.
  const [attempt, setAttempt] = useState(newAttempt)
  const close = useMutation({
    mutationFn: () => api.post<Manifest>('/v1/manifests', { carrier, location }, { 'idempotency-key': `console-manifest-${carrier}-${location}-${attempt}` }),
    onSuccess: (m) => {
      setCreated(m)
      setAttempt(newAttempt())
      notifications.show({ color: 'teal', title: `Manifest ${m.number}`, message: `${m.totals.shipments} shipment(s), ${m.totals.packages} package(s) handed to ${m.carrier.name}` })
      void qc.invalidateQueries({ queryKey: ['manifests'] })
      void qc.invalidateQueries({ queryKey: ['shipments'] })
    },
  })
  const { byField, other } = fieldErrors(problemOf(close.error), ['carrier', 'location', 'date'])
  return (
    <>
      <PageHeader title="Manifests" subtitle="Close the day per carrier and location; print the manifest for the driver to sign">
        <Card withBorder padding="sm">
          <Group gap="xs" align="flex-end" wrap="wrap">
            <Select label="Carrier" data={(carriers.data?.data ?? []).map((c) => ({ value: c.code, label: c.name }))} value={carrier} onChange={(v) => set('carrier', v)} error={byField.carrier} clearable w={180} />
            <div style={{ width: 200 }}>
              <LocationSelect value={location} onChange={(v) => set('location', v)} error={byField.location} clearable />
            </div>
            {can('shipping:write') && (
              <Button onClick={() => close.mutate()} loading={close.isPending} disabled={!carrier || !location}>
                Close the day
              </Button>
            )}
            {created && (
              <Button component="a" href={pdf(created)} target="_blank" variant="light">
                Print {created.number}
              </Button>
            )}
          </Group>
          {carrier && location && <Waiting carrier={carrier} location={location} />}
          <FormProblem error={close.error} other={other} />
        </Card>
      </PageHeader>
      {manifests.error && <ErrorAlert error={manifests.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={340}>
          <Table aria-label="Manifests">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Manifest</Table.Th>
                <Table.Th>Carrier</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Day</Table.Th>
                <Table.Th className="num" visibleFrom="sm">Shipments</Table.Th>
                <Table.Th className="num" visibleFrom="sm">Packages</Table.Th>
                <Table.Th className="num" visibleFrom="sm">Weight</Table.Th>
                <Table.Th visibleFrom="sm">Created</Table.Th>
                <Table.Th visibleFrom="sm" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody style={{ opacity: manifests.isPlaceholderData ? 0.6 : 1 }}>
              {manifests.data?.data.map((m) => (
                <Table.Tr key={m.id} data-manifest={m.number}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {/* On a phone the number is the print button. */}
                    <Anchor href={pdf(m)} target="_blank" fw={600} size="sm">
                      {m.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{m.carrier.name}</Table.Td>
                  <Table.Td>{m.location.code}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(m.date)}</Table.Td>
                  <Table.Td className="num" visibleFrom="sm">{m.totals.shipments}</Table.Td>
                  <Table.Td className="num" visibleFrom="sm">{m.totals.packages}</Table.Td>
                  <Table.Td className="num" visibleFrom="sm">{(m.totals.weightGrams / 1000).toFixed(1)} kg</Table.Td>
                  <Table.Td visibleFrom="sm">
                    <When iso={m.createdAt} relative />{' '}
                    <Text span size="xs" c="dimmed">
                      {m.createdBy}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="sm">
                    <Button component="a" href={pdf(m)} target="_blank" size="xs" variant="default" aria-label={`Print ${m.number}`}>
                      Print
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {manifests.data && !manifests.data.data.length && <Empty>No manifests yet.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

/** Labels of the carrier at the location not yet on a manifest: what closing the day hands over. */
function Waiting({ carrier, location }: { carrier: string; location: string }) {
  const waiting = useQuery({
    queryKey: ['shipments', 'to-manifest', carrier, location],
    queryFn: ({ signal }) => api.get<Page<Shipment>>(`/v1/shipments?status=label_created&carrier=${encodeURIComponent(carrier)}&location=${encodeURIComponent(location)}&limit=200`, signal),
  })
  const list = (waiting.data?.data ?? []).filter((s) => !s.manifestId)
  if (!waiting.data) return null
  return (
    <Text size="sm" mt="xs" c={list.length ? undefined : 'dimmed'}>
      {list.length ? `${list.length}${waiting.data.nextCursor ? '+' : ''} label(s) waiting: ` : 'No labels are waiting for this carrier here.'}
      {list.slice(0, 8).map((s, i) => (
        <span key={s.id}>
          {i > 0 && ', '}
          <Anchor component={Link} to={`/shipments/${s.id}`} size="sm">
            {s.number}
          </Anchor>
        </span>
      ))}
      {list.length > 8 ? ' …' : ''}
    </Text>
  )
}
