import { Anchor, Button, Card, Group, Select, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Carrier, Manifest, Page } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert, PageHeader, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { formatDate, localDay } from '../../lib/format'
import { ApiError, fieldErrors } from '../../lib/problem'

/** Closing the day: one manifest per carrier and location for the driver to sign. */
export function ManifestsPage() {
  const qc = useQueryClient()
  const can = useCan()
  const manifests = useQuery({ queryKey: ['manifests'], queryFn: ({ signal }) => api.get<Page<Manifest>>('/v1/manifests?limit=50', signal) })
  const carriers = useQuery({ queryKey: ['carriers'], queryFn: () => api.get<{ data: Carrier[] }>('/v1/carriers') })
  const [carrier, setCarrier] = useState<string | null>(null)
  const [location, setLocation] = useState<string | null>(null)
  const close = useMutation({
    mutationFn: () => api.post<Manifest>('/v1/manifests', { carrier, location }, { 'idempotency-key': `console-manifest-${carrier}-${location}-${localDay(new Date())}` }),
    onSuccess: (m) => {
      notifications.show({ color: 'teal', title: `Manifest ${m.number}`, message: `${m.totals.shipments} shipment(s), ${m.totals.packages} package(s) handed to ${m.carrier.name}` })
      void qc.invalidateQueries({ queryKey: ['manifests'] })
      void qc.invalidateQueries({ queryKey: ['shipments'] })
    },
  })
  const { byField, other } = fieldErrors(close.error instanceof ApiError ? close.error.problem : null, ['carrier', 'location', 'date'])
  return (
    <>
      <PageHeader title="Manifests" subtitle="Close the day per carrier and location; the driver signs the printout" />
      {can('shipping:write') && (
        <Card withBorder padding="sm" mb="sm">
          <Group gap="xs" align="flex-start">
            <Select label="Carrier" data={(carriers.data?.data ?? []).map((c) => ({ value: c.code, label: c.name }))} value={carrier} onChange={setCarrier} error={byField.carrier} w={200} />
            <div style={{ width: 220 }}>
              <LocationSelect value={location} onChange={setLocation} error={byField.location} />
            </div>
            <Button mt={22} onClick={() => close.mutate()} loading={close.isPending} disabled={!carrier || !location}>
              Close the day
            </Button>
          </Group>
          {close.error && (other.length > 0 || !(close.error instanceof ApiError) || !close.error.problem.errors?.length) ? <ErrorAlert error={close.error} /> : null}
        </Card>
      )}
      {manifests.error && <ErrorAlert error={manifests.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="Manifests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Manifest</Table.Th>
              <Table.Th>Carrier</Table.Th>
              <Table.Th>Location</Table.Th>
              <Table.Th>Day</Table.Th>
              <Table.Th className="num">Shipments</Table.Th>
              <Table.Th className="num">Packages</Table.Th>
              <Table.Th className="num">Weight</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {manifests.data?.data.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Anchor href={`/v1/manifests/${m.id}.pdf`} target="_blank" fw={600}>
                    {m.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{m.carrier.name}</Table.Td>
                <Table.Td>{m.location.code}</Table.Td>
                <Table.Td>{formatDate(m.date)}</Table.Td>
                <Table.Td className="num">{m.totals.shipments}</Table.Td>
                <Table.Td className="num">{m.totals.packages}</Table.Td>
                <Table.Td className="num">{(m.totals.weightGrams / 1000).toFixed(1)} kg</Table.Td>
                <Table.Td>
                  <When iso={m.createdAt} relative />{' '}
                  <Text span size="xs" c="dimmed">
                    {m.createdBy}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {manifests.data && !manifests.data.data.length && <Empty>No manifests yet.</Empty>}
      </Card>
    </>
  )
}
