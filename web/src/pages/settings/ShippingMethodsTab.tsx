import { Button, Card, Group, Modal, NumberInput, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { ShippingMethod } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert, FormProblem, Money } from '../../components/common'
import { MoneyInput } from '../../components/inputs'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemOf, problemText } from '../../lib/problem'
import { SERVICE_LEVELS } from './CarriersTab'

/** What orders name in `shippingMethod`: the freight the customer pays, and how fast the carrier service must be. */
export function ShippingMethodsTab() {
  const qc = useQueryClient()
  const can = useCan()
  const methods = useQuery({ queryKey: ['shipping-methods'], queryFn: () => api.get<{ data: ShippingMethod[] }>('/v1/shipping-methods') })
  const [editing, setEditing] = useState<ShippingMethod | 'new' | null>(null)
  const toggle = useMutation({
    mutationFn: (m: ShippingMethod) => api.patch<ShippingMethod>(`/v1/shipping-methods/${encodeURIComponent(m.code)}`, { active: !m.active }, { 'if-match': `"${m.version}"` }),
    onSuccess: (m) => {
      notifications.show({ message: `${m.name} is ${m.active ? 'offered again' : 'no longer offered'}` })
      void qc.invalidateQueries({ queryKey: ['shipping-methods'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="dimmed">
          Freight charged to the customer per shipment: a flat amount plus an amount per started kg, free above an order value. The level and transit days limit which carrier services rate shopping picks.
        </Text>
        {can('shipping:write') && <Button onClick={() => setEditing('new')}>New shipping method</Button>}
      </Group>
      {methods.error && <ErrorAlert error={methods.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Shipping methods">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th className="num">Flat</Table.Th>
                <Table.Th className="num">Per kg</Table.Th>
                <Table.Th className="num">Free from</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th>Active</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {methods.data?.data.map((m) => (
                <Table.Tr key={m.id} style={{ opacity: m.active ? 1 : 0.55 }}>
                  <Table.Td className="mono">{m.code}</Table.Td>
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td className="num">
                    <Money amount={m.flatAmount} currency={m.currency} />
                  </Table.Td>
                  <Table.Td className="num">{m.perKgAmount ? <Money amount={m.perKgAmount} currency={m.currency} /> : '—'}</Table.Td>
                  <Table.Td className="num">{m.freeOverAmount !== null ? <Money amount={m.freeOverAmount} currency={m.currency} /> : 'never'}</Table.Td>
                  <Table.Td>
                    {[m.serviceLevel && `${humanize(m.serviceLevel)} or faster`, m.maxTransitDays !== null && `≤ ${m.maxTransitDays} day(s)`].filter(Boolean).join(', ') || 'any'}
                  </Table.Td>
                  <Table.Td>
                    <Switch size="xs" checked={m.active} disabled={!can('shipping:write')} onChange={() => toggle.mutate(m)} aria-label={`${m.code} active`} />
                  </Table.Td>
                  <Table.Td ta="right">
                    {can('shipping:write') && (
                      <Button size="xs" variant="subtle" onClick={() => setEditing(m)}>
                        Edit
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {methods.data && !methods.data.data.length && <Empty>No shipping methods: orders pay no freight.</Empty>}
      </Card>
      {editing && <MethodModal method={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  )
}

const FIELDS = ['code', 'name', 'currency', 'flatAmount', 'perKgAmount', 'freeOverAmount', 'serviceLevel', 'maxTransitDays']

function MethodModal({ method, onClose }: { method: ShippingMethod | null; onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({
    code: method?.code ?? '',
    name: method?.name ?? '',
    currency: method?.currency ?? 'EUR',
    flatAmount: method?.flatAmount ?? (null as number | null),
    perKgAmount: method?.perKgAmount ?? (0 as number | null),
    freeOverAmount: method?.freeOverAmount ?? null,
    serviceLevel: method?.serviceLevel ?? null,
    maxTransitDays: (method?.maxTransitDays ?? '') as number | string,
  })
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: form.name,
        currency: form.currency.trim().toUpperCase(),
        flatAmount: form.flatAmount,
        perKgAmount: form.perKgAmount ?? 0,
        freeOverAmount: form.freeOverAmount,
        serviceLevel: form.serviceLevel,
        maxTransitDays: form.maxTransitDays === '' ? null : Number(form.maxTransitDays),
      }
      return method
        ? api.patch<ShippingMethod>(`/v1/shipping-methods/${encodeURIComponent(method.code)}`, body, { 'if-match': `"${method.version}"` })
        : api.post<ShippingMethod>('/v1/shipping-methods', { code: form.code, ...body })
    },
    onSuccess: (m) => {
      notifications.show({ color: 'teal', message: `${m.name} (${m.code}) ${method ? 'saved' : 'added'}` })
      void qc.invalidateQueries({ queryKey: ['shipping-methods'] })
      onClose()
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 412) void qc.invalidateQueries({ queryKey: ['shipping-methods'] })
    },
  })
  const { byField, other } = fieldErrors(problemOf(save.error), FIELDS)
  return (
    <Modal opened onClose={onClose} title={method ? `Edit ${method.code}` : 'New shipping method'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <Stack gap="xs">
          <FormProblem error={save.error} other={other} />
          <Group grow align="flex-start">
            <TextInput label="Code" description="What orders send as shippingMethod" placeholder="express" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required disabled={!!method} />
            <TextInput label="Name" placeholder="Express: next business day" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required />
            <TextInput label="Currency" value={form.currency} onChange={(e) => setForm({ ...form, currency: e.currentTarget.value })} error={byField.currency} maxLength={3} required w={90} />
          </Group>
          <Group grow align="flex-start">
            <MoneyInput label="Flat amount" value={form.flatAmount} onChange={(v) => setForm({ ...form, flatAmount: v })} currency={form.currency || 'EUR'} error={byField.flatAmount} required />
            <MoneyInput label="Per started kg" value={form.perKgAmount} onChange={(v) => setForm({ ...form, perKgAmount: v })} currency={form.currency || 'EUR'} error={byField.perKgAmount} />
            <MoneyInput label="Free from" description="Order value; empty: never free" value={form.freeOverAmount} onChange={(v) => setForm({ ...form, freeOverAmount: v })} currency={form.currency || 'EUR'} error={byField.freeOverAmount} />
          </Group>
          <Group grow align="flex-start">
            <Select label="Service level" description="This level or faster" placeholder="Any" data={SERVICE_LEVELS.map((l) => ({ value: l, label: humanize(l) }))} value={form.serviceLevel} onChange={(v) => setForm({ ...form, serviceLevel: v })} error={byField.serviceLevel} clearable />
            <NumberInput label="Max transit days" placeholder="Any" value={form.maxTransitDays} onChange={(v) => setForm({ ...form, maxTransitDays: v })} error={byField.maxTransitDays} min={0} max={60} allowDecimal={false} />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={save.isPending}>
              {method ? 'Save' : 'Add shipping method'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
