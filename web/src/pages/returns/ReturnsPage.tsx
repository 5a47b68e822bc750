import { Anchor, Badge, Button, Card, Grid, Group, Loader, Modal, NumberInput, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { Order, Return, ReturnReason } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, Money, PageHeader, StatusBadge, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { withParams } from '../../lib/filters'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors } from '../../lib/problem'

const RETURN_STATUSES = ['requested', 'authorized', 'pickup_scheduled', 'in_transit', 'received', 'inspected', 'resolved', 'rejected', 'cancelled']
const CONDITIONS = ['new', 'opened', 'damaged', 'defective']
const DISPOSITIONS = ['restock', 'quarantine', 'refurbish', 'scrap']
export const RESOLUTIONS = ['refund', 'replacement', 'exchange', 'store_credit']

export const returnKey = (id: string) => ['return', id] as const
export const useReasons = () => useQuery({ queryKey: ['return-reasons'], queryFn: () => api.get<{ data: ReturnReason[] }>('/v1/return-reasons'), staleTime: 300_000 })

export function ReturnsPage() {
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const status = params.get('status')
  const reasons = useReasons()
  const { query: returns, pager } = useCursorPage<Return>(['returns'], withParams('/v1/returns', { status }))
  const reasonLabel = (code: string) => reasons.data?.data.find((r) => r.code === code)?.label ?? code
  return (
    <>
      <PageHeader title="Returns" subtitle="Request them from an order; authorize, receive, inspect and resolve them here">
        <Group>
          <Select label="Status" data={RETURN_STATUSES.map((s) => ({ value: s, label: humanize(s) }))} value={status} onChange={(v) => setParams(v ? { status: v } : {}, { replace: true })} clearable w={170} />
        </Group>
      </PageHeader>
      {returns.error && <ErrorAlert error={returns.error} />}
      <Card withBorder padding={0}>
        <Table highlightOnHover aria-label="Returns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Return</Table.Th>
              <Table.Th>Order</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Items</Table.Th>
              <Table.Th>Reasons</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Requested</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {returns.data?.data.map((r) => (
              <Table.Tr key={r.id} className="row-link" onClick={() => navigate(`/returns/${r.id}`)}>
                <Table.Td>
                  <Anchor component={Link} to={`/returns/${r.id}`} fw={600} onClick={(e) => e.stopPropagation()}>
                    {r.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.order.number}</Table.Td>
                <Table.Td>
                  <StatusBadge value={r.status} />
                </Table.Td>
                <Table.Td>{r.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</Table.Td>
                <Table.Td>{[...new Set(r.lines.map((l) => reasonLabel(l.reason)))].join(', ')}</Table.Td>
                <Table.Td>{r.location?.code ?? '—'}</Table.Td>
                <Table.Td>
                  <When iso={r.createdAt} relative />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {returns.data && !returns.data.data.length && <Empty>No returns.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

type Command = 'authorize' | 'reject' | 'receive' | 'inspect' | 'resolve' | 'cancel'

export function ReturnPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const can = useCan()
  const ret = useQuery({ queryKey: returnKey(id), queryFn: ({ signal }) => api.get<Return>(`/v1/returns/${encodeURIComponent(id)}`, signal) })
  const reasons = useReasons()
  const [open, setOpen] = useState<Command | null>(null)
  if (ret.isPending) return <Loader />
  if (ret.error) return <ErrorAlert error={ret.error} />
  const r = ret.data
  const allowed = new Set(r.allowedActions)
  const done = (x: Return, message: string) => {
    qc.setQueryData(returnKey(id), x)
    void qc.invalidateQueries({ queryKey: ['returns'] })
    notifications.show({ color: 'teal', title: `${x.number}: ${humanize(x.status)}`, message })
    setOpen(null)
  }
  const buttons: [Command, string, string][] = [
    ['authorize', 'Authorize', 'returns:write'],
    ['receive', 'Receive', 'returns:write'],
    ['inspect', 'Inspect', 'returns:write'],
    ['resolve', 'Resolve', 'refunds:write'],
    ['reject', 'Reject', 'returns:write'],
    ['cancel', 'Cancel', 'returns:write'],
  ]
  return (
    <>
      <PageHeader
        title={
          <Group gap="xs">
            {r.number} <StatusBadge value={r.status} />
          </Group>
        }
        subtitle={
          <>
            <Anchor component={Link} to="/returns" size="sm">
              Returns
            </Anchor>{' '}
            · order{' '}
            <Anchor component={Link} to={`/orders/${r.order.number}`} size="sm">
              {r.order.number}
            </Anchor>{' '}
            · {r.channel} · requested <When iso={r.createdAt} /> by {r.createdBy}
          </>
        }
        actions={buttons
          .filter(([c, , p]) => allowed.has(c) && can(p))
          .map(([c, label]) => (
            <Button key={c} variant={c === 'reject' || c === 'cancel' ? 'light' : 'filled'} color={c === 'reject' || c === 'cancel' ? 'red' : undefined} onClick={() => setOpen(c)}>
              {label}
            </Button>
          ))}
      />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="sm">
            <Card withBorder padding={0}>
              <Table aria-label="Return lines">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Item</Table.Th>
                    <Table.Th className="num">Qty</Table.Th>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th>Wants</Table.Th>
                    <Table.Th className="num">Received</Table.Th>
                    <Table.Th>Inspection</Table.Th>
                    <Table.Th className="num">Paid</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.lines.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        <Text size="sm">{l.name}</Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {l.sku}
                        </Text>
                      </Table.Td>
                      <Table.Td className="num">{l.quantity}</Table.Td>
                      <Table.Td>
                        {reasons.data?.data.find((x) => x.code === l.reason)?.label ?? l.reason}
                        {l.comment && (
                          <Text size="xs" c="dimmed">
                            “{l.comment}”
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {humanize(l.resolution)}
                        {l.exchangeSku ? ` → ${l.exchangeSku}` : ''}
                      </Table.Td>
                      <Table.Td className="num">{r.status === 'requested' || r.status === 'authorized' ? '' : l.receivedQuantity}</Table.Td>
                      <Table.Td>
                        {l.inspections.map((i) => (
                          <Badge key={i.id} variant="outline" color={i.disposition === 'restock' ? 'teal' : i.disposition === 'scrap' ? 'red' : 'orange'} mr={4}>
                            {i.quantity} {humanize(i.condition)} → {humanize(i.disposition)}
                          </Badge>
                        ))}
                      </Table.Td>
                      <Table.Td className="num">
                        <Money amount={l.unitPaid * l.quantity} currency={r.currency} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
            {r.settlement && (
              <Card withBorder padding="sm" aria-label="Settlement">
                <Title order={4} fz="sm" mb="xs">
                  Settlement
                </Title>
                <Table>
                  <Table.Tbody>
                    {r.settlement.lines.map((l) => (
                      <Table.Tr key={l.line}>
                        <Table.Td className="mono">{l.sku}</Table.Td>
                        <Table.Td>{humanize(l.resolution)}</Table.Td>
                        <Table.Td className="num">{l.quantity}</Table.Td>
                        <Table.Td className="num">{l.restockingFee ? <>fee <Money amount={l.restockingFee} currency={r.currency} /></> : ''}</Table.Td>
                        <Table.Td className="num">{l.refund ? <>refund <Money amount={l.refund} currency={r.currency} /></> : l.credit ? <>credit <Money amount={l.credit} currency={r.currency} /></> : ''}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {r.settlement.refund && (
                  <Text size="sm" mt="xs">
                    Refund <Money amount={r.settlement.refund.amount} currency={r.currency} />
                  </Text>
                )}
                {r.settlement.storeCredit && (
                  <Text size="sm">
                    Store credit <Money amount={r.settlement.storeCredit.amount} currency={r.currency} /> ({r.settlement.storeCredit.creditNoteNumber})
                  </Text>
                )}
                {(r.settlement.replacementOrder || r.settlement.exchangeOrder) && (
                  <Text size="sm">
                    New order:{' '}
                    <Anchor component={Link} to={`/orders/${(r.settlement.replacementOrder ?? r.settlement.exchangeOrder)!.number}`}>
                      {(r.settlement.replacementOrder ?? r.settlement.exchangeOrder)!.number}
                    </Anchor>
                  </Text>
                )}
              </Card>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="sm">
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb={4}>
                Decision
              </Title>
              <Text size="sm">
                {humanize(r.decision.authorization)}: {r.decision.detail}
              </Text>
              <Text size="xs" c="dimmed">
                {r.terms.windowDays} days window · return shipping paid by {r.terms.returnShippingPaidBy}
                {r.terms.restockingFeePpm ? ` · restocking fee ${(r.terms.restockingFeePpm / 10_000).toFixed(1)} %` : ''}
              </Text>
            </Card>
            <Card withBorder padding="sm">
              <Title order={4} fz="sm" mb={4}>
                Parcel
              </Title>
              <Text size="sm">Back to {r.location ? `${r.location.code} · ${r.location.name}` : 'no location yet'}</Text>
              {r.label && (
                <>
                  <Text size="sm">
                    {r.label.carrier.name} {r.label.service.name} · <span className="mono">{r.label.trackingNumber}</span>
                  </Text>
                  <Anchor href={`/v1/returns/${r.id}/label.pdf`} target="_blank" size="sm">
                    Return label (PDF)
                  </Anchor>
                </>
              )}
              {!r.label && r.trackingNumber && <Text size="sm" className="mono">{r.trackingNumber}</Text>}
              {r.pickup && <Text size="sm">Pickup on {r.pickup.date}</Text>}
            </Card>
            {(r.note || r.closeReason) && (
              <Card withBorder padding="sm">
                <Text size="sm">{r.note}</Text>
                {r.closeReason && <Text size="sm">Closed: {r.closeReason}</Text>}
              </Card>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      {open && <CommandModal ret={r} command={open} onClose={() => setOpen(null)} onDone={done} />}
    </>
  )
}

/** One form for each command, each posting to /v1/returns/{id}/<command> and showing the answer's field errors. */
function CommandModal({ ret, command, onClose, onDone }: { ret: Return; command: Command; onClose: () => void; onDone: (r: Return, message: string) => void }) {
  const [location, setLocation] = useState<string | null>(ret.location?.code ?? null)
  const [text, setText] = useState('')
  const [received, setReceived] = useState<Record<string, number>>(() => Object.fromEntries(ret.lines.map((l) => [l.id, l.quantity])))
  const [inspection, setInspection] = useState<Record<string, { condition: string; disposition: string }>>(() => Object.fromEntries(ret.lines.map((l) => [l.id, { condition: 'new', disposition: 'restock' }])))
  const [resolution, setResolution] = useState<Record<string, string>>(() => Object.fromEntries(ret.lines.map((l) => [l.id, l.resolution])))
  const body = (): unknown => {
    switch (command) {
      case 'authorize':
        return { ...(location ? { location } : {}), ...(text.trim() ? { note: text.trim() } : {}) }
      case 'reject':
        return { reason: text }
      case 'cancel':
        return text.trim() ? { reason: text.trim() } : {}
      case 'receive':
        return { ...(location ? { location } : {}), lines: ret.lines.map((l) => ({ line: l.id, quantity: received[l.id] ?? 0 })), ...(text.trim() ? { note: text.trim() } : {}) }
      case 'inspect':
        return { lines: ret.lines.filter((l) => l.receivedQuantity > 0).map((l) => ({ line: l.id, ...inspection[l.id] })) }
      case 'resolve': {
        const changed = ret.lines.filter((l) => resolution[l.id] !== l.resolution).map((l) => ({ line: l.id, resolution: resolution[l.id] }))
        return { ...(changed.length ? { lines: changed } : {}), ...(text.trim() ? { note: text.trim() } : {}) }
      }
    }
  }
  const run = useMutation({
    mutationFn: () => api.post<Return>(`/v1/returns/${ret.id}/${command}`, body()),
    onSuccess: (r) =>
      onDone(
        r,
        command === 'authorize' ? (r.label ? `Return label ${r.label.trackingNumber} bought` : `The customer sends it to ${r.location?.code ?? 'the return location'}`) : command === 'receive' ? `${r.lines.reduce((n, l) => n + l.receivedQuantity, 0)} unit(s) received` : command === 'inspect' ? 'Restocked units are available again' : command === 'resolve' ? 'Settled' : 'Done',
      ),
  })
  const problem = run.error instanceof ApiError ? run.error.problem : null
  const { byField, other } = fieldErrors(problem, ['location', 'reason', 'note', 'lines'])
  return (
    <Modal opened onClose={onClose} title={`${humanize(command)} ${ret.number}`} size={command === 'inspect' || command === 'receive' ? 'lg' : 'md'}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          run.mutate()
        }}
      >
        <Stack gap="sm">
          {run.error && (other.length > 0 || !problem?.errors?.length) ? <ErrorAlert error={run.error} /> : null}
          {(command === 'authorize' || command === 'receive') && <LocationSelect label={command === 'authorize' ? 'Send it back to' : 'Arrived at'} value={location} onChange={setLocation} error={byField.location} />}
          {command === 'receive' && (
            <Table>
              <Table.Tbody>
                {ret.lines.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td className="mono">{l.sku}</Table.Td>
                    <Table.Td w={150}>
                      <NumberInput aria-label={`Units of ${l.sku} that arrived`} value={received[l.id]} onChange={(v) => setReceived({ ...received, [l.id]: Number(v) || 0 })} min={0} max={l.quantity} suffix={` of ${l.quantity}`} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {command === 'inspect' && (
            <Table>
              <Table.Tbody>
                {ret.lines
                  .filter((l) => l.receivedQuantity > 0)
                  .map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td className="mono">
                        {l.receivedQuantity} × {l.sku}
                      </Table.Td>
                      <Table.Td>
                        <Select aria-label={`Condition of ${l.sku}`} data={CONDITIONS.map((c) => ({ value: c, label: humanize(c) }))} value={inspection[l.id].condition} onChange={(v) => setInspection({ ...inspection, [l.id]: { ...inspection[l.id], condition: v ?? 'new' } })} allowDeselect={false} />
                      </Table.Td>
                      <Table.Td>
                        <Select aria-label={`Disposition of ${l.sku}`} data={DISPOSITIONS.map((c) => ({ value: c, label: humanize(c) }))} value={inspection[l.id].disposition} onChange={(v) => setInspection({ ...inspection, [l.id]: { ...inspection[l.id], disposition: v ?? 'restock' } })} allowDeselect={false} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          )}
          {command === 'resolve' && (
            <Table>
              <Table.Tbody>
                {ret.lines.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td className="mono">
                      {l.quantity} × {l.sku}
                    </Table.Td>
                    <Table.Td>
                      <Select aria-label={`Resolution of ${l.sku}`} data={RESOLUTIONS.filter((x) => x !== 'exchange' || l.exchangeSku).map((c) => ({ value: c, label: humanize(c) }))} value={resolution[l.id]} onChange={(v) => setResolution({ ...resolution, [l.id]: v ?? l.resolution })} allowDeselect={false} />
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
          {command !== 'inspect' && <Textarea label={command === 'reject' ? 'Why' : 'Note'} value={text} onChange={(e) => setText(e.currentTarget.value)} error={byField.reason ?? byField.note} required={command === 'reject'} autosize minRows={2} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={run.isPending} color={command === 'reject' || command === 'cancel' ? 'red' : undefined}>
              {humanize(command)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** From the order: which delivered units come back, why, and what the customer wants instead. */
export function RequestReturnModal({ order, onClose }: { order: Order; onClose: () => void }) {
  const navigate = useNavigate()
  const reasons = useReasons()
  const returnable = order.lines.filter((l) => l.deliveredQuantity - l.returnRequestedQuantity - l.returnedQuantity > 0)
  const [qty, setQty] = useState<Record<string, number>>({})
  const [reason, setReason] = useState<string | null>(null)
  const [resolution, setResolution] = useState<string | null>('refund')
  const [note, setNote] = useState('')
  const lines = returnable.filter((l) => (qty[l.id] ?? 0) > 0)
  const create = useMutation({
    mutationFn: () =>
      api.post<Return>(
        '/v1/returns',
        { order: order.id, lines: lines.map((l) => ({ line: l.id, quantity: qty[l.id], reason, resolution })), ...(note.trim() ? { note: note.trim() } : {}) },
        { 'idempotency-key': `console-return-${order.id}-${crypto.randomUUID()}` },
      ),
    onSuccess: (r) => {
      notifications.show({ color: 'teal', title: `Return ${r.number}: ${humanize(r.status)}`, message: r.decision.detail })
      navigate(`/returns/${r.id}`)
    },
  })
  const problem = create.error instanceof ApiError ? create.error.problem : null
  const { byField, other } = fieldErrors(problem, ['lines', 'note'])
  return (
    <Modal opened onClose={onClose} title={`Return from ${order.number}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate()
        }}
      >
        <Stack gap="sm">
          {create.error && (other.length > 0 || !problem?.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          {!returnable.length && <Text c="dimmed">Nothing on this order has been delivered and not yet asked back.</Text>}
          <Table>
            <Table.Tbody>
              {returnable.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <span className="mono">{l.sku}</span> {l.name}
                  </Table.Td>
                  <Table.Td w={150}>
                    <NumberInput
                      aria-label={`Units of ${l.sku} to return`}
                      value={qty[l.id] ?? 0}
                      onChange={(v) => setQty({ ...qty, [l.id]: Number(v) || 0 })}
                      min={0}
                      max={l.deliveredQuantity - l.returnRequestedQuantity - l.returnedQuantity}
                      suffix={` of ${l.deliveredQuantity - l.returnRequestedQuantity - l.returnedQuantity}`}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {byField.lines && (
            <Text c="red" size="xs">
              {byField.lines}
            </Text>
          )}
          <Group grow>
            <Select label="Reason" data={(reasons.data?.data ?? []).filter((r) => r.active).map((r) => ({ value: r.code, label: r.label }))} value={reason} onChange={setReason} required />
            <Select label="The customer wants" data={RESOLUTIONS.filter((r) => r !== 'exchange').map((r) => ({ value: r, label: humanize(r) }))} value={resolution} onChange={setResolution} allowDeselect={false} />
          </Group>
          <Textarea label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!lines.length || !reason}>
              Request return
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
