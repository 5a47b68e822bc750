import { ActionIcon, Alert, Anchor, Badge, Button, Card, Grid, Group, Loader, Radio, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo, useRef, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { BoxSuggestion, FulfillmentOrder, Packaging, Page, RatesResult, Shipment } from '../../api/types'
import { useCan } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, Money, PageHeader, StatusBadge, When } from '../../components/common'
import { beep } from '../../components/feedback'
import { LocationSelect } from '../../components/inputs'
import { withParams } from '../../lib/filters'
import { formatDate, humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'
import { checkScan, createWedgeReader, parseScan, type ScanTarget } from '../../lib/scan'

/** Pack station: choose a picked fulfilment order by scanning its number, or from the list. */
export function PackQueuePage() {
  const [params, setParams] = useSearchParams()
  const location = params.get('location')
  const navigate = useNavigate()
  const [code, setCode] = useState('')
  const { query: queue, pager } = useCursorPage<FulfillmentOrder>(['fulfillments', 'picked'], withParams('/v1/fulfillments?status=picked', { location }))
  const open = useMutation({
    mutationFn: async (text: string) => {
      // A fulfilment order number or id opens directly; an order number finds its picked fulfilment order.
      if (/^(fo[_-])/i.test(text)) return api.get<FulfillmentOrder>(`/v1/fulfillments/${encodeURIComponent(text)}`)
      const found = await api.get<Page<FulfillmentOrder>>(`/v1/fulfillments?order=${encodeURIComponent(text)}&status=picked&limit=5`)
      if (!found.data.length) throw new Error(`No picked fulfilment order for "${text}".`)
      return found.data[0]
    },
    onSuccess: (f) => navigate(`/warehouse/pack/${f.id}`),
    onError: (err) => {
      beep('error')
      notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : (err as Error).message })
    },
  })
  return (
    <>
      <PageHeader title="Pack station" subtitle="Scan the fulfilment order or the order number on the tote" />
      <Group align="flex-end" mb="sm" gap="xs">
        <form
          onSubmit={(e) => {
            e.preventDefault()
            const s = parseScan(code)
            setCode('')
            if (s) open.mutate(s.code)
          }}
        >
          <TextInput label="Fulfilment or order number" placeholder="FO-10001 or SO-10001" value={code} onChange={(e) => setCode(e.currentTarget.value)} autoFocus size="md" w={280} className="mono" />
        </form>
        <div style={{ width: 220 }}>
          <LocationSelect value={location} onChange={(v) => setParams(v ? { location: v } : {}, { replace: true })} clearable />
        </div>
      </Group>
      {queue.error && <ErrorAlert error={queue.error} />}
      <Card withBorder padding={0}>
        <Table highlightOnHover aria-label="Ready to pack">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Fulfilment</Table.Th>
              <Table.Th>Order</Table.Th>
              <Table.Th visibleFrom="sm">Location</Table.Th>
              <Table.Th className="num">Units</Table.Th>
              <Table.Th visibleFrom="sm">Ship to</Table.Th>
              <Table.Th>Promised</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queue.data?.data.map((f) => (
              <Table.Tr key={f.id} className="row-link" onClick={() => navigate(`/warehouse/pack/${f.id}`)}>
                <Table.Td className="mono">
                  <Anchor component={Link} to={`/warehouse/pack/${f.id}`}>
                    {f.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{f.orderNumber}</Table.Td>
                <Table.Td visibleFrom="sm">{f.location}</Table.Td>
                <Table.Td className="num">{f.lines.reduce((n, l) => n + l.pickedQuantity - l.packedQuantity, 0)}</Table.Td>
                <Table.Td visibleFrom="sm">{[f.shipTo.city, f.shipTo.country].filter(Boolean).join(', ')}</Table.Td>
                <Table.Td>{f.promisedDate ? formatDate(f.promisedDate) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {queue.data && !queue.data.data.length && <Empty>Nothing picked is waiting to be packed.</Empty>}
      </Card>
      <CursorPager {...pager} />
    </>
  )
}

interface DraftPackage {
  box: string | null
  contents: Record<string, number>
}

/** Packing one fulfilment order: the box suggestion, scanning items into boxes, then rates and the label. */
export function PackPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const can = useCan()
  const key = ['fulfillment', id]
  const fo = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<FulfillmentOrder>(`/v1/fulfillments/${encodeURIComponent(id)}`, signal) })
  const boxes = useQuery({ queryKey: ['packaging'], queryFn: () => api.get<{ data: Packaging[] }>('/v1/packaging?active=true'), staleTime: 60_000 })
  const toPack = fo.data?.lines.reduce((n, l) => n + l.pickedQuantity - l.packedQuantity, 0) ?? 0
  const suggestion = useQuery({
    queryKey: ['box-suggestion', id, fo.data?.version],
    queryFn: ({ signal }) => api.get<BoxSuggestion>(`/v1/fulfillments/${encodeURIComponent(id)}/box-suggestion`, signal),
    enabled: toPack > 0,
  })
  const [drafts, setDrafts] = useState<DraftPackage[]>([])
  const [scanText, setScanText] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const reader = useMemo(() => createWedgeReader(), [])
  const scanInput = useRef<HTMLInputElement>(null)

  const pack = useMutation({
    mutationFn: () =>
      api.post<FulfillmentOrder>(`/v1/fulfillments/${encodeURIComponent(id)}/pack`, {
        packages: drafts.map((d) => ({ ...(d.box ? { box: d.box } : {}), contents: Object.entries(d.contents).filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity })) })),
      }),
    onSuccess: (f) => {
      notifications.show({ color: 'teal', message: `${f.number}: ${drafts.length} package(s) packed${f.status === 'packed' ? '; ready to ship' : ''}` })
      qc.setQueryData(key, f)
      setDrafts([])
    },
  })
  if (fo.isPending) return <Loader />
  if (fo.error) return <ErrorAlert error={fo.error} />
  const f = fo.data
  const packErrors = fieldErrors(pack.error instanceof ApiError ? pack.error.problem : null, ['packages'])

  // What may still go into a box: picked, not packed, not already in a draft box.
  const inDrafts = (sku: string) => drafts.reduce((n, d) => n + (d.contents[sku] ?? 0), 0)
  const targets: ScanTarget[] = f.lines.map((l) => ({ id: l.sku, sku: l.sku, barcodes: [], remaining: l.pickedQuantity - l.packedQuantity - inDrafts(l.sku) }))

  const addToBox = (sku: string, quantity: number) =>
    setDrafts((ds) => {
      const list = ds.length ? [...ds] : [{ box: suggestion.data?.packages[0]?.box ?? null, contents: {} }]
      const last = { ...list[list.length - 1], contents: { ...list[list.length - 1].contents } }
      last.contents[sku] = (last.contents[sku] ?? 0) + quantity
      list[list.length - 1] = last
      return list
    })

  const onScan = async (source: 'scanner' | 'keyboard') => {
    const s = parseScan(scanText, source)
    setScanText('')
    if (!s) return
    // Barcodes are resolved through the catalog; the SKU itself is accepted too.
    let code = s.code
    if (!targets.some((t) => t.sku.toLowerCase() === code.toLowerCase())) {
      const found = await api.get<Page<{ sku: string }>>(`/v1/products?barcode=${encodeURIComponent(code)}&limit=1`).catch(() => null)
      if (found?.data[0]) code = found.data[0].sku
    }
    const check = checkScan({ ...s, code }, targets)
    if (check.ok) {
      addToBox(check.target.sku, check.quantity)
      setMessage({ ok: true, text: `+${check.quantity} ${check.target.sku}` })
      beep('ok')
    } else {
      setMessage({ ok: false, text: check.reason === 'unknown' ? `${s.code} is not in this order` : check.reason === 'too_many' ? `No more ${check.target.sku} to pack` : `Wrong item` })
      beep('error')
    }
    scanInput.current?.focus()
  }

  const useSuggestion = () => setDrafts((suggestion.data?.packages ?? []).map((p) => ({ box: p.box, contents: Object.fromEntries(p.items.map((i) => [i.sku, i.quantity])) })))

  return (
    <>
      <PageHeader
        title={
          <Group gap="xs">
            {f.number} <StatusBadge value={f.status} />
            {f.held && <Badge color="orange">on hold</Badge>}
          </Group>
        }
        subtitle={
          <>
            <Anchor component={Link} to={`/warehouse/pack?location=${f.location}`} size="sm">
              Pack station
            </Anchor>{' '}
            · order{' '}
            <Anchor component={Link} to={`/orders/${f.orderNumber}`} size="sm">
              {f.orderNumber}
            </Anchor>{' '}
            · {f.location} · {f.shippingMethod ?? 'no shipping method'}
            {f.promisedDate ? ` · promised ${formatDate(f.promisedDate)}` : ''}
          </>
        }
        actions={
          <Button component="a" href={`/v1/fulfillments/${f.id}/packing-slip.pdf`} target="_blank" variant="default">
            Packing slip
          </Button>
        }
      />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            <Card withBorder padding={0}>
              <Table aria-label="Items">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Item</Table.Th>
                    <Table.Th className="num" visibleFrom="sm">Ordered</Table.Th>
                    <Table.Th className="num">Picked</Table.Th>
                    <Table.Th className="num">Packed</Table.Th>
                    <Table.Th className="num">In boxes</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {f.lines.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        <Text size="sm">{l.name}</Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {l.sku}
                        </Text>
                      </Table.Td>
                      <Table.Td className="num" visibleFrom="sm">{l.quantity}</Table.Td>
                      <Table.Td className="num">{l.pickedQuantity}</Table.Td>
                      <Table.Td className="num">{l.packedQuantity}</Table.Td>
                      <Table.Td className="num">{inDrafts(l.sku) || ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>

            {toPack > 0 && can('fulfillment:write') && (
              <Card withBorder padding="sm" aria-label="Packing">
                <Group justify="space-between" mb="xs">
                  <Title order={4} fz="sm">
                    Boxes
                  </Title>
                  <Group gap="xs">
                    <Button variant="default" onClick={() => setDrafts((d) => [...d, { box: boxes.data?.data[0]?.code ?? null, contents: {} }])}>
                      + Box
                    </Button>
                    <Button variant="subtle" onClick={() => setDrafts([])} disabled={!drafts.length}>
                      Clear
                    </Button>
                  </Group>
                </Group>
                <form
                  onSubmit={(e) => {
                    e.preventDefault()
                    void onScan('keyboard')
                  }}
                >
                  <TextInput
                    ref={scanInput}
                    label="Scan items into the last box"
                    aria-label="Scan item"
                    value={scanText}
                    onChange={(e) => setScanText(e.currentTarget.value)}
                    onKeyDown={(e) => {
                      const s = reader.key(e.key, e.timeStamp)
                      if (e.key === 'Enter') {
                        e.preventDefault()
                        void onScan(s?.source ?? 'keyboard')
                      }
                    }}
                    size="md"
                    className="mono"
                    autoComplete="off"
                  />
                </form>
                {message && (
                  <Text mt={4} fw={700} c={message.ok ? 'teal.7' : 'red.7'} role={message.ok ? 'status' : 'alert'}>
                    {message.text}
                  </Text>
                )}
                <Stack gap="xs" mt="sm">
                  {drafts.map((d, i) => (
                    <Card key={i} withBorder padding="xs" bg="gray.0">
                      <Group justify="space-between" wrap="nowrap">
                        <Select
                          aria-label={`Box ${i + 1}`}
                          data={(boxes.data?.data ?? []).map((b) => ({ value: b.code, label: `${b.code} · ${b.name} (${b.innerLengthMm / 10}×${b.innerWidthMm / 10}×${b.innerHeightMm / 10} cm)` }))}
                          value={d.box}
                          onChange={(v) => setDrafts((ds) => ds.map((x, j) => (j === i ? { ...x, box: v } : x)))}
                          placeholder="Choose a box"
                          w={300}
                        />
                        <ActionIcon variant="subtle" color="gray" aria-label={`Remove box ${i + 1}`} onClick={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}>
                          ×
                        </ActionIcon>
                      </Group>
                      <Text size="sm" mt={4}>
                        {Object.entries(d.contents)
                          .filter(([, q]) => q > 0)
                          .map(([sku, q]) => `${q} × ${sku}`)
                          .join(', ') || 'empty'}
                      </Text>
                    </Card>
                  ))}
                </Stack>
                {pack.error ? (
                  <Alert color="red" mt="sm" role="alert">
                    {pack.error instanceof ApiError ? problemText(pack.error.problem) : String(pack.error)}
                    {[...Object.values(packErrors.byField), ...packErrors.other].map((e) => (
                      <div key={e}>{e}</div>
                    ))}
                  </Alert>
                ) : null}
                <Group justify="flex-end" mt="sm">
                  <Button onClick={() => pack.mutate()} loading={pack.isPending} disabled={!drafts.length || drafts.some((d) => !d.box)}>
                    Pack {drafts.length} box(es)
                  </Button>
                </Group>
              </Card>
            )}

            {f.packages.length > 0 && (
              <Card withBorder padding="sm" aria-label="Packages">
                <Title order={4} fz="sm" mb="xs">
                  Packed
                </Title>
                <Table>
                  <Table.Tbody>
                    {f.packages.map((p, i) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>#{i + 1}</Table.Td>
                        <Table.Td className="mono">{p.box ?? `${p.lengthMm}×${p.widthMm}×${p.heightMm} mm`}</Table.Td>
                        <Table.Td>
                          {p.contents.map((c) => `${c.quantity} × ${c.sku}`).join(', ')}
                          {p.instructions.map((t) => (
                            <Text key={t} size="xs" c="orange.8" fw={600}>
                              {t}
                            </Text>
                          ))}
                        </Table.Td>
                        <Table.Td className="num">{(p.weightGrams / 1000).toFixed(2)} kg</Table.Td>
                        <Table.Td>{p.trackingNumber ? <span className="mono">{p.trackingNumber}</span> : <Text size="xs">not shipped</Text>}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="sm">
            {toPack > 0 && (
              <Card withBorder padding="sm" aria-label="Suggested boxes">
                <Group justify="space-between" mb="xs">
                  <Title order={4} fz="sm">
                    Suggested
                  </Title>
                  {can('fulfillment:write') && (
                    <Button size="xs" variant="light" onClick={useSuggestion} disabled={!suggestion.data?.packages.length}>
                      Use suggestion
                    </Button>
                  )}
                </Group>
                {suggestion.error && <ErrorAlert error={suggestion.error} />}
                {suggestion.data?.packages.map((p, i) => (
                  <Stack key={i} gap={0} mb="xs">
                    <Text size="sm" fw={600}>
                      {p.name} <span className="mono">({p.box})</span> · {(p.weightGrams / 1000).toFixed(2)} kg
                    </Text>
                    <Text size="sm">{p.items.map((it) => `${it.quantity} × ${it.sku}`).join(', ')}</Text>
                    {p.instructions.map((t) => (
                      <Text key={t} size="xs" c="orange.8">
                        {t}
                      </Text>
                    ))}
                  </Stack>
                ))}
                {suggestion.data && !suggestion.data.packages.length && (
                  <Text size="sm" c="dimmed">
                    No box in the catalog fits{suggestion.data.unfittable.length ? `: ${suggestion.data.unfittable.map((u) => `${u.sku} (${humanize(u.reason)})`).join(', ')}` : ''}.
                  </Text>
                )}
              </Card>
            )}
            {f.packages.some((p) => !p.shipmentId) && can('fulfillment:write') && <ShipCard fo={f} onShipped={(s) => qc.setQueryData(key, s.fulfillment)} />}
            <ShipmentsOf fulfillmentId={f.id} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}

function ShipCard({ fo, onShipped }: { fo: FulfillmentOrder; onShipped: (r: { fulfillment: FulfillmentOrder; shipment: Shipment }) => void }) {
  const qc = useQueryClient()
  const rates = useQuery({ queryKey: ['rates', fo.id, fo.version], queryFn: () => api.post<RatesResult>(`/v1/fulfillments/${fo.id}/rates`), retry: false })
  const [service, setService] = useState<string | null>(null)
  const chosen = service ?? rates.data?.default ?? null
  // One key per attempt at this version: a retried click returns the same shipment instead of a second label.
  const idempotencyKey = `console-ship-${fo.id}-${fo.version}`
  const ship = useMutation({
    mutationFn: () => api.post<{ fulfillment: FulfillmentOrder; shipment: Shipment }>(`/v1/fulfillments/${fo.id}/ship`, chosen ? { serviceCode: chosen } : {}, { 'idempotency-key': idempotencyKey }),
    onSuccess: (r) => {
      notifications.show({ color: 'teal', title: `Shipped: ${r.shipment.number}`, message: `${r.shipment.carrier.name} ${r.shipment.service.name}, tracking ${r.shipment.trackingNumber}` })
      void qc.invalidateQueries({ queryKey: ['shipments'] })
      onShipped(r)
    },
  })
  return (
    <Card withBorder padding="sm" aria-label="Ship">
      <Title order={4} fz="sm" mb="xs">
        Ship
      </Title>
      {fo.held && <Alert color="orange">The order is on hold: it cannot ship until the hold is released.</Alert>}
      {rates.isPending && <Loader size="sm" />}
      {rates.error && <ErrorAlert error={rates.error} />}
      {rates.data && (
        <Radio.Group value={chosen} onChange={setService}>
          <Stack gap={4}>
            {rates.data.options.map((o) => (
              <Radio
                key={o.service}
                value={o.service}
                disabled={!o.available}
                label={
                  <Group gap={6}>
                    <Text size="sm" fw={o.service === rates.data.default ? 700 : 400}>
                      {o.carrierName} {o.serviceName}
                    </Text>
                    {o.amount !== null && o.currency && <Money amount={o.amount} currency={o.currency} />}
                    {o.deliveryDate && <Text size="xs">arrives {formatDate(o.deliveryDate)}</Text>}
                    {o.meetsPromise === false && <Badge color="orange">late</Badge>}
                    {o.service === rates.data.default && <Badge>default</Badge>}
                    {!o.available && (
                      <Text size="xs" c="dimmed">
                        {humanize(o.reason ?? 'unavailable')}
                      </Text>
                    )}
                  </Group>
                }
              />
            ))}
          </Stack>
        </Radio.Group>
      )}
      {rates.data && !rates.data.options.length && (
        <Text size="sm" c="dimmed">
          No carrier is set up: add one in Settings → Carriers.
        </Text>
      )}
      {rates.data?.explanation && (
        <Text size="xs" c="dimmed" mt={4}>
          {humanize(rates.data.explanation.rule)}
          {rates.data.explanation.tieBreak ? `; ${rates.data.explanation.tieBreak}` : ''}
        </Text>
      )}
      {ship.error ? <ErrorAlert error={ship.error} /> : null}
      <Button mt="sm" fullWidth onClick={() => ship.mutate()} loading={ship.isPending} disabled={!chosen || fo.held}>
        Buy label and ship
      </Button>
    </Card>
  )
}

function ShipmentsOf({ fulfillmentId }: { fulfillmentId: string }) {
  const shipments = useQuery({ queryKey: ['shipments', 'fo', fulfillmentId], queryFn: () => api.get<Page<Shipment>>(`/v1/shipments?fulfillmentOrder=${fulfillmentId}`) })
  if (!shipments.data?.data.length) return null
  return (
    <Card withBorder padding="sm" aria-label="Shipments">
      <Title order={4} fz="sm" mb="xs">
        Shipments
      </Title>
      {shipments.data.data.map((s) => (
        <Stack key={s.id} gap={2} mb="xs">
          <Group gap="xs">
            <Anchor component={Link} to={`/shipments/${s.id}`} fw={600}>
              {s.number}
            </Anchor>
            <StatusBadge value={s.status} />
            <span className="mono">{s.trackingNumber}</span>
          </Group>
          <Group gap="xs">
            <Button component="a" href={`/v1/shipments/${s.id}/label.pdf${s.packages.length > 1 ? '?package=1' : ''}`} target="_blank" size="xs" variant="light">
              Label (PDF)
            </Button>
            <Button component="a" href={`/v1/shipments/${s.id}/label.zpl`} target="_blank" size="xs" variant="default">
              ZPL
            </Button>
            <Text size="xs" c="dimmed">
              <When iso={s.createdAt} relative />
            </Text>
          </Group>
        </Stack>
      ))}
    </Card>
  )
}
