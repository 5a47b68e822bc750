import { Button, Card, Group, NumberInput, Switch, Table, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Packaging } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert, Money } from '../../components/common'
import { MoneyInput } from '../../components/inputs'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'

const EMPTY = { code: '', name: '', innerLengthMm: '' as number | string, innerWidthMm: '' as number | string, innerHeightMm: '' as number | string, maxWeightGrams: 20000 as number | string, tareWeightGrams: 0 as number | string, cost: 0 as number | null }

/** The box catalog the pack station suggests from. */
export function PackagingTab() {
  const qc = useQueryClient()
  const can = useCan()
  const boxes = useQuery({ queryKey: ['packaging', 'all'], queryFn: () => api.get<{ data: Packaging[] }>('/v1/packaging') })
  const [form, setForm] = useState(EMPTY)
  const create = useMutation({
    mutationFn: () =>
      api.post<Packaging>('/v1/packaging', {
        code: form.code,
        name: form.name,
        innerLengthMm: Number(form.innerLengthMm),
        innerWidthMm: Number(form.innerWidthMm),
        innerHeightMm: Number(form.innerHeightMm),
        maxWeightGrams: Number(form.maxWeightGrams),
        tareWeightGrams: Number(form.tareWeightGrams),
        cost: { amount: form.cost, currency: 'EUR' },
      }),
    onSuccess: (b) => {
      notifications.show({ color: 'teal', message: `Box ${b.code} added` })
      setForm(EMPTY)
      void qc.invalidateQueries({ queryKey: ['packaging'] })
    },
  })
  const toggle = useMutation({
    mutationFn: (b: Packaging) => api.patch<Packaging>(`/v1/packaging/${b.code}`, { active: !b.active }, { 'if-match': `"${b.version}"` }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['packaging'] }),
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['code', 'name', 'innerLengthMm', 'innerWidthMm', 'innerHeightMm', 'maxWeightGrams', 'tareWeightGrams', 'cost'])
  const num = (k: Exclude<keyof typeof EMPTY, 'cost'>, label: string, w = 110) => <NumberInput label={label} value={form[k]} onChange={(v) => setForm({ ...form, [k]: v })} error={byField[k]} min={0} allowDecimal={false} w={w} required />
  return (
    <>
      {boxes.error && <ErrorAlert error={boxes.error} />}
      <Card withBorder padding={0} mb="sm">
        <Table aria-label="Boxes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Inside (cm)</Table.Th>
              <Table.Th className="num">Max weight</Table.Th>
              <Table.Th className="num">Tare</Table.Th>
              <Table.Th className="num">Cost</Table.Th>
              <Table.Th>Active</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {boxes.data?.data.map((b) => (
              <Table.Tr key={b.id}>
                <Table.Td className="mono">{b.code}</Table.Td>
                <Table.Td>{b.name}</Table.Td>
                <Table.Td>
                  {b.innerLengthMm / 10} × {b.innerWidthMm / 10} × {b.innerHeightMm / 10}
                </Table.Td>
                <Table.Td className="num">{(b.maxWeightGrams / 1000).toFixed(1)} kg</Table.Td>
                <Table.Td className="num">{b.tareWeightGrams} g</Table.Td>
                <Table.Td className="num">
                  <Money amount={b.cost.amount} currency={b.cost.currency} />
                </Table.Td>
                <Table.Td>
                  <Switch size="xs" checked={b.active} disabled={!can('fulfillment:write')} onChange={() => toggle.mutate(b)} aria-label={`${b.code} active`} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {boxes.data && !boxes.data.data.length && <Empty>No boxes yet: the pack station cannot suggest any.</Empty>}
      </Card>
      {can('fulfillment:write') && (
        <Card withBorder padding="sm">
          <form
            onSubmit={(e) => {
              e.preventDefault()
              create.mutate()
            }}
          >
            <Group gap="xs" align="flex-start">
              <TextInput label="Code" placeholder="BOX-M" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required w={110} />
              <TextInput label="Name" placeholder="Medium box" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required w={160} />
              {num('innerLengthMm', 'Length mm')}
              {num('innerWidthMm', 'Width mm')}
              {num('innerHeightMm', 'Height mm')}
              {num('maxWeightGrams', 'Max g')}
              {num('tareWeightGrams', 'Tare g', 90)}
              <MoneyInput key={`cost-${create.submittedAt}`} label="Cost" value={form.cost} onChange={(v) => setForm({ ...form, cost: v })} currency="EUR" error={byField.cost} w={100} />
              <Button type="submit" mt={22} loading={create.isPending}>
                Add box
              </Button>
            </Group>
            {create.error && (other.length > 0 || !(create.error instanceof ApiError) || !create.error.problem.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          </form>
        </Card>
      )}
    </>
  )
}
