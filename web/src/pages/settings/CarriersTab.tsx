import { Badge, Button, Card, Group, Modal, Select, Stack, Switch, Table, Text, TextInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Fragment, useState } from 'react'
import { api } from '../../api/client'
import type { Carrier, CarrierService } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert } from '../../components/common'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'

/** Carrier service levels, slowest first (a shipping method may ask for one or faster). */
export const SERVICE_LEVELS = ['economy', 'standard', 'express', 'same_day']

// A starting point for a new service: one zone for a home country, two weight breaks.
const SAMPLE_RATE_CARD = {
  currency: 'EUR',
  dimWeightDivisor: 5000,
  zones: [{ code: 'DOMESTIC', match: { by: 'destination', countries: ['DE'] }, weightBreaks: [{ upToGrams: 2000, price: 450 }, { upToGrams: 31500, price: 890 }], transitDays: 2 }],
}

export function CarriersTab() {
  const qc = useQueryClient()
  const can = useCan()
  const carriers = useQuery({ queryKey: ['carriers'], queryFn: () => api.get<{ data: Carrier[] }>('/v1/carriers') })
  const [modal, setModal] = useState<null | 'carrier' | { service: Carrier }>(null)
  const toggle = useMutation({
    mutationFn: (c: Carrier) => api.patch<Carrier>(`/v1/carriers/${c.code}`, { active: !c.active }, { 'if-match': `"${c.version}"` }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['carriers'] }),
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="dimmed">
          Carriers and their services, each priced by a rate card. Rate shopping picks the cheapest service that arrives by the promised date.
        </Text>
        {can('shipping:write') && <Button onClick={() => setModal('carrier')}>New carrier</Button>}
      </Group>
      {carriers.error && <ErrorAlert error={carriers.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="Carriers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Carrier</Table.Th>
              <Table.Th>Adapter</Table.Th>
              <Table.Th>Tracking</Table.Th>
              <Table.Th>Services</Table.Th>
              <Table.Th>Active</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {carriers.data?.data.map((c) => (
              <Fragment key={c.id}>
                <Table.Tr>
                  <Table.Td>
                    <b>{c.name}</b>{' '}
                    <Text span size="xs" c="dimmed" className="mono">
                      {c.code}
                    </Text>
                  </Table.Td>
                  <Table.Td className="mono">{c.adapter}</Table.Td>
                  <Table.Td className="mono">{c.trackingPrefix ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {c.services.map((s: CarrierService) => (
                        <Badge key={s.id} variant="outline" color={s.active ? 'blue' : 'gray'} title={`${(s.rateCard.zones as unknown[] | undefined)?.length ?? 0} zone(s)`}>
                          {s.name} · {humanize(s.level)}
                        </Badge>
                      ))}
                      {!c.services.length && (
                        <Text size="xs" c="dimmed">
                          no services: nothing to quote
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch size="xs" checked={c.active} disabled={!can('shipping:write')} onChange={() => toggle.mutate(c)} aria-label={`${c.code} active`} />
                  </Table.Td>
                  <Table.Td ta="right">
                    {can('shipping:write') && (
                      <Button size="xs" variant="subtle" onClick={() => setModal({ service: c })}>
                        Add service
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
        {carriers.data && !carriers.data.data.length && <Empty>No carriers yet: nothing can ship.</Empty>}
      </Card>
      {modal === 'carrier' && <CarrierModal onClose={() => setModal(null)} />}
      {modal && typeof modal === 'object' && <ServiceModal carrier={modal.service} onClose={() => setModal(null)} />}
    </>
  )
}

function CarrierModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ code: '', name: '', trackingPrefix: '', country: 'DE' })
  const create = useMutation({
    mutationFn: () => api.post<Carrier>('/v1/carriers', { code: form.code, name: form.name, adapter: 'table_rate', trackingPrefix: form.trackingPrefix || undefined, settings: form.country ? { trackingCountry: form.country } : {} }),
    onSuccess: (c) => {
      notifications.show({ color: 'teal', message: `Carrier ${c.name} added; now give it a service with a rate card` })
      void qc.invalidateQueries({ queryKey: ['carriers'] })
      onClose()
    },
  })
  const problem = create.error instanceof ApiError ? create.error.problem : null
  const { byField, other } = fieldErrors(problem, ['code', 'name', 'trackingPrefix', 'settings'])
  return (
    <Modal opened onClose={onClose} title="New carrier (built-in table rates)">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate()
        }}
      >
        <Stack gap="xs">
          {create.error && (other.length > 0 || !problem?.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          <Group grow>
            <TextInput label="Code" placeholder="post" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required />
            <TextInput label="Name" placeholder="Deutsche Post" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required />
          </Group>
          <Group grow>
            <TextInput label="Tracking prefix" description="Two capitals, e.g. PP" value={form.trackingPrefix} onChange={(e) => setForm({ ...form, trackingPrefix: e.currentTarget.value.toUpperCase() })} error={byField.trackingPrefix} maxLength={2} required />
            <TextInput label="Tracking country" description="Ends the S10 numbers" value={form.country} onChange={(e) => setForm({ ...form, country: e.currentTarget.value.toUpperCase() })} error={byField.settings} maxLength={2} />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              Add carrier
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function ServiceModal({ carrier, onClose }: { carrier: Carrier; onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ code: '', name: '', level: 'standard' })
  const [card, setCard] = useState(JSON.stringify(SAMPLE_RATE_CARD, null, 2))
  const parsed = (() => {
    try {
      return { ok: true as const, value: JSON.parse(card) as unknown }
    } catch (err) {
      return { ok: false as const, error: (err as Error).message }
    }
  })()
  const create = useMutation({
    mutationFn: () => api.post<CarrierService>(`/v1/carriers/${carrier.code}/services`, { ...form, rateCard: parsed.ok ? parsed.value : undefined }),
    onSuccess: (s) => {
      notifications.show({ color: 'teal', message: `${s.qualifiedCode} can now be quoted` })
      void qc.invalidateQueries({ queryKey: ['carriers'] })
      onClose()
    },
  })
  const problem = create.error instanceof ApiError ? create.error.problem : null
  const { byField, other } = fieldErrors(problem, ['code', 'name', 'level'])
  const cardErrors = fieldErrors(problem, ['rateCard'])
  return (
    <Modal opened onClose={onClose} title={`New service of ${carrier.name}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate()
        }}
      >
        <Stack gap="xs">
          {create.error && (other.length > cardErrors.other.length || !problem?.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          <Group grow>
            <TextInput label="Code" placeholder="parcel" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required />
            <TextInput label="Name" placeholder="Paket" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required />
            <Select label="Level" data={SERVICE_LEVELS.map((l) => ({ value: l, label: humanize(l) }))} value={form.level} onChange={(v) => setForm({ ...form, level: v ?? 'standard' })} allowDeselect={false} />
          </Group>
          <Textarea
            label="Rate card (JSON)"
            description="Zones by destination or distance, weight breaks in grams, prices in minor units; see docs/shipping.md"
            value={card}
            onChange={(e) => setCard(e.currentTarget.value)}
            autosize
            minRows={10}
            maxRows={24}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
            error={!parsed.ok ? parsed.error : Object.values(cardErrors.byField)[0] && problem?.errors?.filter((e) => e.path.startsWith('rateCard')).map((e) => `${e.path}: ${e.message}`).join('; ')}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} disabled={!parsed.ok}>
              Add service
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
