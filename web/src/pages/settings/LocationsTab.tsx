import { Badge, Button, Card, Collapse, Group, Modal, NumberInput, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Fragment, useState } from 'react'
import { api } from '../../api/client'
import type { Address, Bin, Location } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert } from '../../components/common'
import { useLocations } from '../../components/inputs'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'
import { AddressFields } from '../orders/OrderModals'

export function LocationsTab() {
  const qc = useQueryClient()
  const can = useCan()
  const locations = useLocations()
  const [open, setOpen] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)
  const toggle = useMutation({
    mutationFn: (l: Location) => api.patch<Location>(`/v1/locations/${encodeURIComponent(l.code)}`, { active: !l.active }, { 'if-match': `"${l.version}"` }),
    onSuccess: (l) => {
      notifications.show({ message: `${l.code} is ${l.active ? 'active' : 'inactive: no new allocations'}` })
      void qc.invalidateQueries({ queryKey: ['locations'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="dimmed">
          Warehouses and stores that hold stock. Lower priority ships first when distance does not decide.
        </Text>
        {can('locations:write') && <Button onClick={() => setCreating(true)}>New location</Button>}
      </Group>
      {locations.error && <ErrorAlert error={locations.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="Locations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th className="num">Priority</Table.Th>
              <Table.Th>Active</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {locations.data?.data.map((l) => (
              <Fragment key={l.id}>
                <Table.Tr>
                  <Table.Td className="mono">{l.code}</Table.Td>
                  <Table.Td>{l.name}</Table.Td>
                  <Table.Td>{humanize(l.type)}</Table.Td>
                  <Table.Td>
                    {[l.address.city, l.address.country].filter(Boolean).join(', ')}
                    {l.latitude !== null && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({l.latitude.toFixed(2)}, {l.longitude?.toFixed(2)})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="num">{l.priority}</Table.Td>
                  <Table.Td>
                    <Switch size="xs" checked={l.active} disabled={!can('locations:write')} onChange={() => toggle.mutate(l)} aria-label={`${l.code} active`} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button size="xs" variant="subtle" onClick={() => setOpen(open === l.code ? null : l.code)}>
                      {open === l.code ? 'Hide bins' : 'Bins'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr style={{ display: open === l.code ? undefined : 'none' }}>
                  <Table.Td colSpan={7} bg="gray.0">
                    <Collapse expanded={open === l.code}>{open === l.code && <Bins location={l.code} />}</Collapse>
                  </Table.Td>
                </Table.Tr>
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
        {locations.data && !locations.data.data.length && <Empty>No locations yet.</Empty>}
      </Card>
      {creating && <CreateLocationModal onClose={() => setCreating(false)} />}
    </>
  )
}

function Bins({ location }: { location: string }) {
  const qc = useQueryClient()
  const can = useCan()
  const bins = useQuery({ queryKey: ['bins', location], queryFn: () => api.get<{ data: Bin[] }>(`/v1/locations/${encodeURIComponent(location)}/bins`) })
  const [form, setForm] = useState({ code: '', zone: '', pickSequence: 0 as number | string })
  const create = useMutation({
    mutationFn: () => api.post<Bin>(`/v1/locations/${encodeURIComponent(location)}/bins`, { code: form.code, ...(form.zone.trim() ? { zone: form.zone.trim() } : {}), pickSequence: Number(form.pickSequence) || 0 }),
    onSuccess: (b) => {
      notifications.show({ color: 'teal', message: `Bin ${b.code} added to ${location}` })
      setForm({ code: '', zone: form.zone, pickSequence: (Number(form.pickSequence) || 0) + 10 })
      void qc.invalidateQueries({ queryKey: ['bins', location] })
    },
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['code', 'zone', 'pickSequence'])
  return (
    <Stack gap="xs" p="xs">
      <Group gap={4}>
        {bins.data?.data.map((b) => (
          <Badge key={b.id} variant="outline" color="gray" className="mono" title={`pick sequence ${b.pickSequence}`}>
            {b.code}
            {b.zone ? ` · ${b.zone}` : ''}
          </Badge>
        ))}
        {bins.data && !bins.data.data.length && (
          <Text size="sm" c="dimmed">
            No bins: stock here is unbinned.
          </Text>
        )}
      </Group>
      {can('locations:write') && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            create.mutate()
          }}
        >
          <Group gap="xs" align="flex-start">
            <TextInput placeholder="Bin code, e.g. A-01-03" aria-label="Bin code" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required w={170} />
            <TextInput placeholder="Zone" aria-label="Zone" value={form.zone} onChange={(e) => setForm({ ...form, zone: e.currentTarget.value })} error={byField.zone} w={100} />
            <NumberInput placeholder="Pick sequence" aria-label="Pick sequence" value={form.pickSequence} onChange={(v) => setForm({ ...form, pickSequence: v })} error={byField.pickSequence} min={0} w={120} allowDecimal={false} />
            <Button type="submit" variant="light" loading={create.isPending}>
              Add bin
            </Button>
          </Group>
          {other.length > 0 || (create.error && !(create.error instanceof ApiError && create.error.problem.errors?.length)) ? <ErrorAlert error={create.error} /> : null}
        </form>
      )}
    </Stack>
  )
}

function CreateLocationModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ code: '', name: '', type: 'warehouse', priority: 100 as number | string, latitude: '' as number | string, longitude: '' as number | string })
  const [address, setAddress] = useState<Address>({ country: '' })
  const create = useMutation({
    mutationFn: () =>
      api.post<Location>('/v1/locations', {
        code: form.code,
        name: form.name,
        type: form.type,
        address: Object.fromEntries(Object.entries(address).filter(([, v]) => v !== '' && v !== undefined)),
        priority: Number(form.priority),
        ...(form.latitude !== '' ? { latitude: Number(form.latitude) } : {}),
        ...(form.longitude !== '' ? { longitude: Number(form.longitude) } : {}),
      }),
    onSuccess: (l) => {
      notifications.show({ color: 'teal', message: `Location ${l.code} created` })
      void qc.invalidateQueries({ queryKey: ['locations'] })
      onClose()
    },
  })
  const problem = create.error instanceof ApiError ? create.error.problem : null
  const top = fieldErrors(problem, ['code', 'name', 'type', 'priority', 'latitude', 'longitude', 'address'])
  const addr = fieldErrors(problem, ['name', 'company', 'line1', 'line2', 'postalCode', 'city', 'region', 'country', 'phone'], 'address.')
  return (
    <Modal opened onClose={onClose} title="New location" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate()
        }}
      >
        <Stack gap="xs">
          {create.error && !problem?.errors?.length ? <ErrorAlert error={create.error} /> : null}
          <Group grow>
            <TextInput label="Code" placeholder="e.g. BER" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={top.byField.code} required />
            <TextInput label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={top.byField.name} required />
            <Select label="Type" data={['warehouse', 'store']} value={form.type} onChange={(v) => setForm({ ...form, type: v ?? 'warehouse' })} allowDeselect={false} />
          </Group>
          <AddressFields value={address} onChange={setAddress} errors={addr.byField} />
          <Group grow>
            <NumberInput label="Latitude" value={form.latitude} onChange={(v) => setForm({ ...form, latitude: v })} error={top.byField.latitude} decimalScale={6} />
            <NumberInput label="Longitude" value={form.longitude} onChange={(v) => setForm({ ...form, longitude: v })} error={top.byField.longitude} decimalScale={6} />
            <NumberInput label="Priority" value={form.priority} onChange={(v) => setForm({ ...form, priority: v })} error={top.byField.priority} min={0} allowDecimal={false} />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create location
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
