import { ActionIcon, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import type { Address, Order } from '../../api/types'
import { FormProblem } from '../../components/common'
import { SkuInput } from '../../components/inputs'
import { HOLD_CODES } from '../../lib/filters'
import { humanize } from '../../lib/format'
import { ADDRESS_FIELDS, editableLines, editBody, wantedQuantity, type EditLine } from '../../lib/order-edit'
import { ApiError, fieldErrors } from '../../lib/problem'

interface ModalProps {
  order: Order
  onClose: () => void
  onDone: (o: Order) => void
}

const etag = (o: Order) => ({ 'if-match': `"${o.version}"` })

export function EditOrderModal({ order, onClose, onDone }: ModalProps) {
  const qc = useQueryClient()
  const [tab, setTab] = useState<string | null>('lines')
  const [lines, setLines] = useState<EditLine[]>(() => editableLines(order))
  const [address, setAddress] = useState<Address>(() => ({ ...order.shippingAddress }))
  const [payment, setPayment] = useState({ method: order.payment.method ?? '', reference: order.payment.reference ?? '' })
  const [notes, setNotes] = useState(order.notes ?? '')
  const body = editBody(order, { lines, address, payment, notes })
  const save = useMutation({
    mutationFn: () => api.patch<Order>(`/v1/orders/${order.id}`, body, etag(order)),
    onSuccess: (o) => {
      notifications.show({ color: 'teal', message: `${o.number} saved (version ${o.version})` })
      onDone(o)
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 412) void qc.invalidateQueries({ queryKey: ['order'] })
      if (err instanceof ApiError && err.problem.errors?.some((e) => e.path.startsWith('shippingAddress'))) setTab('address')
      else if (err instanceof ApiError && err.problem.errors?.some((e) => e.path.startsWith('lines'))) setTab('lines')
    },
  })
  const problem = save.error instanceof ApiError ? save.error.problem : null
  const lineErrors = fieldErrors(problem, lines.map((_, i) => `lines.${i}`))
  const addressErrors = fieldErrors(problem, ADDRESS_FIELDS, 'shippingAddress.')
  const paymentErrors = fieldErrors(problem, ['method', 'reference', 'status', 'amount'], 'payment.')
  const notesError = fieldErrors(problem, ['notes']).byField.notes
  const other = [...lineErrors.other].filter((o) => !o.startsWith('shippingAddress.') && !o.startsWith('payment.') && !o.startsWith('notes'))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!Object.keys(body).length) return notifications.show({ message: 'Nothing has changed.' })
    save.mutate()
  }
  const setLine = (i: number, patch: Partial<EditLine>) => setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)))
  return (
    <Modal opened onClose={onClose} title={`Edit ${order.number}`} size="lg">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text size="xs" c="dimmed">
            The server re-verifies the order, reserves or releases the difference and recomputes the totals. Editing version {order.version}.
          </Text>
          <FormProblem error={save.error} other={other} />
          <Tabs value={tab} onChange={setTab}>
            <Tabs.List>
              <Tabs.Tab value="lines">Lines</Tabs.Tab>
              <Tabs.Tab value="address">Shipping address</Tabs.Tab>
              <Tabs.Tab value="payment">Payment</Tabs.Tab>
              <Tabs.Tab value="notes">Notes</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="lines" pt="xs">
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>SKU</Table.Th>
                    <Table.Th w={110}>Quantity</Table.Th>
                    <Table.Th w={30} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {lines.map((l, i) => (
                    <Table.Tr key={l.id ?? `new-${i}`}>
                      <Table.Td>
                        {l.id ? (
                          <Text size="sm">
                            <span className="mono">{l.sku}</span> {l.name}
                          </Text>
                        ) : (
                          <SkuInput label={null} ariaLabel={`SKU of new line ${i + 1}`} value={l.sku} onChange={(sku) => setLine(i, { sku })} error={lineErrors.byField[`lines.${i}`]} required />
                        )}
                        {l.id && lineErrors.byField[`lines.${i}`] && (
                          <Text size="xs" c="red">
                            {lineErrors.byField[`lines.${i}`]}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <NumberInput aria-label={`Quantity of ${l.sku || `line ${i + 1}`}`} min={0} value={l.quantity} onChange={(v) => setLine(i, { quantity: Number(v) || 0 })} allowDecimal={false} />
                      </Table.Td>
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${l.sku || 'line'}`} onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
                          ×
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Button variant="subtle" mt={4} onClick={() => setLines((ls) => [...ls, { sku: '', quantity: 1 }])}>
                + Add line
              </Button>
            </Tabs.Panel>
            <Tabs.Panel value="address" pt="xs">
              <AddressFields value={address} onChange={setAddress} errors={addressErrors.byField} />
            </Tabs.Panel>
            <Tabs.Panel value="payment" pt="xs">
              <Group grow>
                <TextInput label="Method" placeholder="card, paypal, invoice, cod" value={payment.method} onChange={(e) => setPayment({ ...payment, method: e.currentTarget.value })} error={paymentErrors.byField.method} />
                <TextInput label="Reference" placeholder="The provider's id" value={payment.reference} onChange={(e) => setPayment({ ...payment, reference: e.currentTarget.value })} error={paymentErrors.byField.reference} />
              </Group>
            </Tabs.Panel>
            <Tabs.Panel value="notes" pt="xs">
              <Textarea label="Notes" description="For the team: shown on the order, not sent to the customer" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} error={notesError} autosize minRows={3} maxLength={5000} />
            </Tabs.Panel>
          </Tabs>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function AddressFields({ value, onChange, errors }: { value: Address; onChange: (a: Address) => void; errors: Record<string, string> }) {
  const field = (name: (typeof ADDRESS_FIELDS)[number], label: string, props: Record<string, unknown> = {}) => (
    <TextInput label={label} value={(value[name] as string | undefined) ?? ''} onChange={(e) => onChange({ ...value, [name]: e.currentTarget.value })} error={errors[name]} {...props} />
  )
  return (
    <Stack gap="xs">
      <Group grow>
        {field('name', 'Name')}
        {field('company', 'Company')}
      </Group>
      {field('line1', 'Street and number')}
      {field('line2', 'Address line 2')}
      <Group grow>
        {field('postalCode', 'Postal code')}
        {field('city', 'City')}
      </Group>
      <Group grow>
        {field('region', 'Region / state')}
        {field('country', 'Country', { placeholder: 'DE', maxLength: 2 })}
        {field('phone', 'Phone')}
      </Group>
    </Stack>
  )
}

export function CancelOrderModal({ order, onClose, onDone }: ModalProps) {
  const open = order.lines.filter((l) => wantedQuantity(l) - l.shippedQuantity > 0)
  const [mode, setMode] = useState<'order' | 'lines'>('order')
  const [reason, setReason] = useState('')
  const [qty, setQty] = useState<Record<string, number>>({})
  const lines = open.filter((l) => (qty[l.id] ?? 0) > 0).map((l) => ({ id: l.id, quantity: qty[l.id] }))
  const cancel = useMutation({
    mutationFn: () => api.post<Order>(`/v1/orders/${order.id}/cancel`, { reason, ...(mode === 'lines' ? { lines } : {}) }, etag(order)),
    onSuccess: (o) => {
      notifications.show({ color: 'teal', title: mode === 'order' ? 'Order cancelled' : 'Units cancelled', message: `${o.number} is ${humanize(o.status).toLowerCase()}; reservations released.` })
      onDone(o)
    },
  })
  const { byField, other } = fieldErrors(cancel.error instanceof ApiError ? cancel.error.problem : null, ['reason', 'lines'])
  return (
    <Modal opened onClose={onClose} title={`Cancel ${order.number}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          cancel.mutate()
        }}
      >
        <Stack gap="sm">
          <FormProblem error={cancel.error} other={other} />
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as 'order' | 'lines')}
            data={[
              { value: 'order', label: 'The whole order' },
              { value: 'lines', label: 'Some units', disabled: !open.length },
            ]}
          />
          {mode === 'lines' && (
            <Table>
              <Table.Tbody>
                {open.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>
                      <span className="mono">{l.sku}</span> {l.name}
                    </Table.Td>
                    <Table.Td w={120}>
                      <NumberInput aria-label={`Units of ${l.sku} to cancel`} min={0} max={wantedQuantity(l) - l.shippedQuantity} value={qty[l.id] ?? 0} onChange={(v) => setQty({ ...qty, [l.id]: Number(v) || 0 })} suffix={` of ${wantedQuantity(l) - l.shippedQuantity}`} allowDecimal={false} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {byField.lines && (
            <Text c="red" size="xs">
              {byField.lines}
            </Text>
          )}
          <Textarea label="Reason" description="Recorded on the order's timeline" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={byField.reason} required autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep the order
            </Button>
            <Button type="submit" color="red" loading={cancel.isPending} disabled={mode === 'lines' && !lines.length}>
              {mode === 'order' ? 'Cancel order' : `Cancel ${lines.reduce((n, l) => n + l.quantity, 0)} unit(s)`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function PlaceHoldModal({ order, onClose, onDone }: ModalProps) {
  const [code, setCode] = useState<string | null>('manual')
  const [detail, setDetail] = useState('')
  const hold = useMutation({
    mutationFn: () => api.post<Order>(`/v1/orders/${order.id}/holds`, { code, detail }),
    onSuccess: (o) => {
      notifications.show({ color: 'orange', message: `${o.number} is on hold (${humanize(code ?? '')}).` })
      onDone(o)
    },
  })
  const { byField, other } = fieldErrors(hold.error instanceof ApiError ? hold.error.problem : null, ['code', 'detail'])
  return (
    <Modal opened onClose={onClose} title={`Hold ${order.number}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          hold.mutate()
        }}
      >
        <Stack gap="sm">
          <FormProblem error={hold.error} other={other} />
          <Select label="Kind of hold" data={HOLD_CODES.map((c) => ({ value: c, label: humanize(c) }))} value={code} onChange={setCode} error={byField.code} allowDeselect={false} />
          <Textarea label="Why" value={detail} onChange={(e) => setDetail(e.currentTarget.value)} error={byField.detail} required autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" color="orange" loading={hold.isPending}>
              Place hold
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function ReleaseHoldModal({ order, holdId, onClose, onDone }: ModalProps & { holdId: string }) {
  const hold = order.holds.find((h) => h.id === holdId)
  const [note, setNote] = useState('')
  const release = useMutation({
    mutationFn: () => api.post<Order>(`/v1/orders/${order.id}/holds/${holdId}/release`, note.trim() ? { note: note.trim() } : {}),
    onSuccess: (o) => {
      const left = o.holds.filter((h) => !h.releasedAt).length
      notifications.show({ color: 'teal', title: 'Hold released', message: left ? `${left} hold(s) still open on ${o.number}.` : `${o.number} is ${humanize(o.status).toLowerCase()}.` })
      onDone(o)
    },
  })
  const { byField, other } = fieldErrors(release.error instanceof ApiError ? release.error.problem : null, ['note'])
  return (
    <Modal opened onClose={onClose} title={`Release ${humanize(hold?.code ?? '')} hold`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          release.mutate()
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{hold?.detail}</Text>
          <FormProblem error={release.error} other={other} />
          <Textarea label="Note" placeholder="e.g. paid by bank transfer" value={note} onChange={(e) => setNote(e.currentTarget.value)} error={byField.note} autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={release.isPending}>
              Release hold
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
