import { ActionIcon, Anchor, Button, Card, Group, Menu, Modal, NumberInput, SegmentedControl, Select, Stack, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { LedgerEntry, LowStockRow, StockRow } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, PageHeader, When } from '../../components/common'
import { BinSelect, LocationSelect, SkuInput } from '../../components/inputs'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors } from '../../lib/problem'

const LEDGER_KINDS = ['receipt', 'adjustment', 'count', 'reservation', 'release', 'pick', 'ship', 'return', 'transfer_out', 'transfer_in']
const TABS = ['stock', 'ledger', 'low-stock'] as const

export function InventoryPage() {
  const { tab = 'stock' } = useParams()
  const navigate = useNavigate()
  const can = useCan()
  const [modal, setModal] = useState<null | { kind: 'adjust' | 'transfer'; sku?: string; location?: string }>(null)
  return (
    <>
      <PageHeader
        title="Inventory"
        actions={
          can('inventory:write') && (
            <>
              <Button onClick={() => setModal({ kind: 'adjust' })}>Adjust stock</Button>
              <Button variant="default" onClick={() => setModal({ kind: 'transfer' })}>
                Transfer
              </Button>
            </>
          )
        }
      />
      <Tabs value={TABS.includes(tab as never) ? tab : 'stock'} onChange={(t) => navigate(`/inventory/${t === 'stock' ? '' : t}`)} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="stock">Stock</Tabs.Tab>
          <Tabs.Tab value="ledger">Ledger</Tabs.Tab>
          <Tabs.Tab value="low-stock">Low stock</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="stock">
          <StockTab onAction={(kind, sku, location) => setModal({ kind, sku, location })} />
        </Tabs.Panel>
        <Tabs.Panel value="ledger">
          <LedgerTab />
        </Tabs.Panel>
        <Tabs.Panel value="low-stock">
          <LowStockTab />
        </Tabs.Panel>
      </Tabs>
      {modal?.kind === 'adjust' && <AdjustModal sku={modal.sku} location={modal.location} onClose={() => setModal(null)} />}
      {modal?.kind === 'transfer' && <TransferModal sku={modal.sku} from={modal.location} onClose={() => setModal(null)} />}
    </>
  )
}

/** SKU and location filters in the address bar, shared by the stock and ledger tabs. */
function useStockFilters() {
  const [params, setParams] = useSearchParams()
  const sku = params.get('sku') ?? ''
  const location = params.get('location') ?? ''
  const kind = params.get('kind') ?? ''
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v)
      else next.delete(k)
    }
    setParams(next, { replace: true })
  }
  const query = (extra: Record<string, string> = {}) => {
    const q = new URLSearchParams(extra)
    if (sku) q.set('sku', sku)
    if (location) q.set('location', location)
    return q
  }
  return { sku, location, kind, set, query }
}

function Filters({ withKind }: { withKind?: boolean }) {
  const f = useStockFilters()
  const [sku, setSku] = useState(f.sku)
  useEffect(() => setSku(f.sku), [f.sku])
  return (
    <Group gap="xs" mb="xs" align="flex-end">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          f.set({ sku: sku.trim() })
        }}
      >
        <TextInput label="SKU" placeholder="Exact SKU" value={sku} onChange={(e) => setSku(e.currentTarget.value)} onBlur={() => sku.trim() !== f.sku && f.set({ sku: sku.trim() })} className="mono" w={200} />
      </form>
      <div style={{ width: 220 }}>
        <LocationSelect value={f.location || null} onChange={(v) => f.set({ location: v })} clearable />
      </div>
      {withKind && <Select label="Movement" data={LEDGER_KINDS.map((k) => ({ value: k, label: humanize(k) }))} value={f.kind || null} onChange={(v) => f.set({ kind: v })} clearable w={150} />}
    </Group>
  )
}

function StockTab({ onAction }: { onAction: (kind: 'adjust' | 'transfer', sku: string, location: string) => void }) {
  const f = useStockFilters()
  const can = useCan()
  const { query: stock, pager } = useCursorPage<StockRow>(['stock'], `/v1/inventory?${f.query()}`, { limit: 100 })
  return (
    <>
      <Filters />
      {stock.error && <ErrorAlert error={stock.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={700}>
          <Table highlightOnHover aria-label="Stock">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>SKU</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th className="num">On hand</Table.Th>
                <Table.Th className="num">Reserved</Table.Th>
                <Table.Th className="num">Available</Table.Th>
                <Table.Th className="num">Reorder at</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th w={40} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stock.data?.data.map((r) => (
                <Table.Tr key={`${r.sku}@${r.location}`} data-stock={`${r.sku}@${r.location}`}>
                  <Table.Td className="mono">
                    <Anchor component={Link} to={`/inventory/ledger?sku=${encodeURIComponent(r.sku)}&location=${r.location}`} size="sm">
                      {r.sku}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.location}</Table.Td>
                  <Table.Td className="num" data-col="onHand">
                    {r.onHand}
                  </Table.Td>
                  <Table.Td className="num">{r.reserved}</Table.Td>
                  <Table.Td className="num" fw={600} c={r.reorderPoint !== null && r.available <= r.reorderPoint ? 'red' : undefined} data-col="available">
                    {r.available}
                  </Table.Td>
                  <Table.Td className="num">{r.reorderPoint ?? '—'}</Table.Td>
                  <Table.Td>
                    <When iso={r.updatedAt} relative />
                  </Table.Td>
                  <Table.Td>
                    {can('inventory:write') && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${r.sku} at ${r.location}`}>
                            ⋯
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => onAction('adjust', r.sku, r.location)}>Adjust or count</Menu.Item>
                          <Menu.Item onClick={() => onAction('transfer', r.sku, r.location)}>Transfer from here</Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {stock.data && !stock.data.data.length && <Empty>No stock rows match.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

function LedgerTab() {
  const f = useStockFilters()
  const { query: ledger, pager } = useCursorPage<LedgerEntry>(['ledger'], `/v1/inventory/ledger?${f.query(f.kind ? { kind: f.kind } : {})}`, { limit: 100 })
  const delta = (n: number) => (n > 0 ? `+${n}` : n < 0 ? String(n) : '')
  return (
    <>
      <Filters withKind />
      {ledger.error && <ErrorAlert error={ledger.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label="Ledger">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>SKU</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Movement</Table.Th>
                <Table.Th className="num">On hand</Table.Th>
                <Table.Th className="num">Reserved</Table.Th>
                <Table.Th>Bin / lot</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Who</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ledger.data?.data.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <When iso={e.createdAt} />
                  </Table.Td>
                  <Table.Td className="mono">{e.sku}</Table.Td>
                  <Table.Td>{e.location}</Table.Td>
                  <Table.Td>{humanize(e.kind)}</Table.Td>
                  <Table.Td className="num" c={e.onHandDelta < 0 ? 'red' : e.onHandDelta > 0 ? 'teal' : undefined}>
                    {delta(e.onHandDelta)}
                  </Table.Td>
                  <Table.Td className="num">{delta(e.reservedDelta)}</Table.Td>
                  <Table.Td className="mono">{[e.bin, e.lot].filter(Boolean).join(' / ')}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={1}>
                      {e.reason ?? (e.refType === 'order' && e.refId ? <Anchor component={Link} to={`/orders/${e.refId}`}>order</Anchor> : e.refType ?? '')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {e.actor}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {ledger.data && !ledger.data.data.length && <Empty>No movements match.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

function LowStockTab() {
  const [location, setLocation] = useState<string | null>(null)
  const low = useQuery({ queryKey: ['low-stock', location], queryFn: ({ signal }) => api.get<{ data: LowStockRow[] }>(`/v1/inventory/low-stock${location ? `?location=${location}` : ''}`, signal) })
  return (
    <>
      <Group mb="xs">
        <div style={{ width: 220 }}>
          <LocationSelect value={location} onChange={setLocation} clearable />
        </div>
      </Group>
      {low.error && <ErrorAlert error={low.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="Low stock">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SKU</Table.Th>
              <Table.Th>Location</Table.Th>
              <Table.Th className="num">Available</Table.Th>
              <Table.Th className="num">Reorder point</Table.Th>
              <Table.Th className="num">Shortfall</Table.Th>
              <Table.Th className="num">Suggested order</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {low.data?.data.map((r) => (
              <Table.Tr key={`${r.sku}@${r.location}`}>
                <Table.Td className="mono">
                  <Anchor component={Link} to={`/inventory?sku=${encodeURIComponent(r.sku)}`} size="sm">
                    {r.sku}
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.location}</Table.Td>
                <Table.Td className="num">{r.available}</Table.Td>
                <Table.Td className="num">{r.reorderPoint}</Table.Td>
                <Table.Td className="num">{r.shortfall}</Table.Td>
                <Table.Td className="num" fw={600}>
                  {r.suggestedOrderQuantity}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {low.data && !low.data.data.length && <Empty>Nothing is at or below its reorder point.</Empty>}
      </Card>
    </>
  )
}

function useStockChanged() {
  const qc = useQueryClient()
  return () => {
    for (const key of ['stock', 'ledger', 'low-stock', 'dashboard', 'orders', 'order']) void qc.invalidateQueries({ queryKey: [key] })
  }
}

function AdjustModal({ sku: initialSku, location: initialLocation, onClose }: { sku?: string; location?: string; onClose: () => void }) {
  const changed = useStockChanged()
  const [sku, setSku] = useState(initialSku ?? '')
  const [location, setLocation] = useState<string | null>(initialLocation ?? null)
  const [bin, setBin] = useState<string | null>(null)
  const [lot, setLot] = useState('')
  const [expiresOn, setExpiresOn] = useState('')
  const [mode, setMode] = useState<'delta' | 'onHand'>('delta')
  const [amount, setAmount] = useState<number | string>('')
  const [reason, setReason] = useState('')
  const adjust = useMutation({
    mutationFn: () =>
      api.post<{ stock: StockRow }>('/v1/inventory/adjustments', {
        sku: sku.trim(),
        location,
        ...(bin ? { bin } : {}),
        ...(lot.trim() ? { lot: lot.trim() } : {}),
        ...(expiresOn ? { expiresOn } : {}),
        [mode]: amount === '' ? undefined : Number(amount),
        reason,
      }),
    onSuccess: ({ stock }) => {
      notifications.show({ color: 'teal', title: 'Stock adjusted', message: `${stock.sku} at ${stock.location}: ${stock.onHand} on hand, ${stock.available} available` })
      changed()
      onClose()
    },
  })
  const { byField, other } = fieldErrors(adjust.error instanceof ApiError ? adjust.error.problem : null, ['sku', 'location', 'bin', 'lot', 'expiresOn', 'delta', 'onHand', 'reason'])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    adjust.mutate()
  }
  return (
    <Modal opened onClose={onClose} title="Adjust stock">
      <form onSubmit={submit} aria-label="Adjust stock">
        <Stack gap="xs">
          {adjust.error && (!(adjust.error instanceof ApiError) || !adjust.error.problem.errors?.length || other.length > 0) ? <ErrorAlert error={adjust.error} /> : null}
          <SkuInput value={sku} onChange={setSku} error={byField.sku} required autoFocus={!initialSku} />
          <Group grow>
            <LocationSelect value={location} onChange={(v) => (setLocation(v), setBin(null))} error={byField.location} required />
            <BinSelect location={location} value={bin} onChange={setBin} error={byField.bin} />
          </Group>
          <Group grow>
            <TextInput label="Lot" placeholder="Lot-tracked items" value={lot} onChange={(e) => setLot(e.currentTarget.value)} error={byField.lot} />
            <TextInput label="Expires on" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.currentTarget.value)} error={byField.expiresOn} disabled={!lot.trim()} />
          </Group>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as 'delta' | 'onHand')}
            data={[
              { value: 'delta', label: 'Add or remove units' },
              { value: 'onHand', label: 'Set a counted quantity' },
            ]}
          />
          <NumberInput
            label={mode === 'delta' ? 'Units (+ received, − removed)' : 'Units counted'}
            name="quantity"
            value={amount}
            onChange={setAmount}
            error={byField[mode]}
            allowDecimal={false}
            min={mode === 'onHand' ? 0 : undefined}
            required
          />
          <Textarea label="Reason" placeholder="e.g. PO 4711 received, damaged in storage" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={byField.reason} required autosize name="reason" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={adjust.isPending}>
              Save adjustment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function TransferModal({ sku: initialSku, from: initialFrom, onClose }: { sku?: string; from?: string; onClose: () => void }) {
  const changed = useStockChanged()
  const [sku, setSku] = useState(initialSku ?? '')
  const [from, setFrom] = useState<string | null>(initialFrom ?? null)
  const [to, setTo] = useState<string | null>(null)
  const [fromBin, setFromBin] = useState<string | null>(null)
  const [toBin, setToBin] = useState<string | null>(null)
  const [quantity, setQuantity] = useState<number | string>('')
  const [reason, setReason] = useState('')
  const transfer = useMutation({
    mutationFn: () =>
      api.post<{ number: string; quantity: number; stock: { from: StockRow; to: StockRow } }>('/v1/inventory/transfers', {
        sku: sku.trim(),
        from,
        to,
        quantity: quantity === '' ? undefined : Number(quantity),
        ...(fromBin ? { fromBin } : {}),
        ...(toBin ? { toBin } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: (t) => {
      notifications.show({ color: 'teal', title: `Transfer ${t.number}`, message: `${t.quantity} × ${sku} moved ${from} → ${to}; ${to} now has ${t.stock.to.available} available` })
      changed()
      onClose()
    },
  })
  const { byField, other } = fieldErrors(transfer.error instanceof ApiError ? transfer.error.problem : null, ['sku', 'from', 'to', 'quantity', 'fromBin', 'toBin', 'reason'])
  return (
    <Modal opened onClose={onClose} title="Transfer stock">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          transfer.mutate()
        }}
      >
        <Stack gap="xs">
          {transfer.error && (!(transfer.error instanceof ApiError) || !transfer.error.problem.errors?.length || other.length > 0) ? <ErrorAlert error={transfer.error} /> : null}
          <SkuInput value={sku} onChange={setSku} error={byField.sku} required />
          <Group grow>
            <LocationSelect label="From" value={from} onChange={setFrom} error={byField.from} required />
            <BinSelect label="From bin" location={from} value={fromBin} onChange={setFromBin} error={byField.fromBin} />
          </Group>
          <Group grow>
            <LocationSelect label="To" value={to} onChange={setTo} error={byField.to} required />
            <BinSelect label="To bin" location={to} value={toBin} onChange={setToBin} error={byField.toBin} />
          </Group>
          <NumberInput label="Units" value={quantity} onChange={setQuantity} min={1} allowDecimal={false} error={byField.quantity} required />
          <Textarea label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={byField.reason} autosize />
          <Text size="xs" c="dimmed">
            Only unreserved units move. Arriving units fill waiting backorders at the destination first.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={transfer.isPending}>
              Transfer
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
