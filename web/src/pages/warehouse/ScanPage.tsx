import { Anchor, Box, Button, Card, Group, Loader, Modal, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Link, useParams } from 'react-router'
import { api } from '../../api/client'
import type { Picklist, PicklistLine, ScanResult } from '../../api/types'
import { ErrorAlert } from '../../components/common'
import { beep } from '../../components/feedback'
import { ApiError } from '../../lib/problem'
import { createWedgeReader, parseScan } from '../../lib/scan'
import { PickProgress } from './PicklistsPage'
import { picklistKey } from './PicklistPage'

interface Feedback {
  ok: boolean
  title: string
  detail?: string
  at: number
}

/**
 * Scan to pick, for a handheld or a keyboard-wedge scanner: the next bin and item in big type,
 * one scan field that keeps the focus, a colour and a tone for every scan. Scanning a bin label
 * says where the picker stands; scanning an item picks one unit there (`3*CODE` picks three).
 */
export function ScanPage() {
  const { id = '' } = useParams()
  const qc = useQueryClient()
  const picklist = useQuery({ queryKey: picklistKey(id), queryFn: ({ signal }) => api.get<Picklist>(`/v1/picklists/${encodeURIComponent(id)}`, signal) })
  const [value, setValue] = useState('')
  const [bin, setBin] = useState<string | null>(null)
  const [feedback, setFeedback] = useState<Feedback | null>(null)
  const [shortOpen, setShortOpen] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const reader = useMemo(() => createWedgeReader(), [])

  const lines = picklist.data?.lines ?? []
  const current: PicklistLine | undefined = lines.find((l) => l.remainingQuantity > 0)
  const bins = useMemo(() => new Set(lines.map((l) => l.bin).filter((b): b is string => !!b)), [lines])
  const atBin = bin ?? current?.bin ?? null

  const refocus = () => setTimeout(() => input.current?.focus(), 0)
  useEffect(() => {
    refocus()
  }, [shortOpen])

  const say = (f: Omit<Feedback, 'at'>) => {
    setFeedback({ ...f, at: Date.now() })
    beep(f.ok ? 'ok' : 'error')
  }

  const scan = useMutation({
    mutationFn: (s: { barcode: string; quantity: number }) => api.post<ScanResult>(`/v1/picklists/${encodeURIComponent(id)}/scans`, { ...(atBin ? { bin: atBin } : {}), barcode: s.barcode, quantity: s.quantity }),
    onSuccess: (r) => {
      say({ ok: true, title: `+${r.scan.quantity} ${r.line.sku}`, detail: r.remaining.line ? `${r.remaining.line} more from this bin` : r.picked.length ? `Picked: ${r.picked.map((f) => f.number).join(', ')}` : 'Line done' })
      void qc.invalidateQueries({ queryKey: picklistKey(id) })
      if (!r.remaining.line) setBin(null)
    },
    onError: (err) => {
      const p = err instanceof ApiError ? err.problem : null
      const titles: Record<string, string> = { 'picking.wrong_bin': 'Wrong bin', 'picking.wrong_item': 'Wrong item', 'picking.over_pick': 'Too many' }
      say({ ok: false, title: (p && titles[p.code]) ?? 'Not picked', detail: p?.detail ?? String(err) })
      // Refusals count against accuracy: show the new figures.
      void qc.invalidateQueries({ queryKey: picklistKey(id) })
    },
    onSettled: refocus,
  })

  const submit = (source: 'scanner' | 'keyboard') => {
    const s = parseScan(value, source)
    setValue('')
    if (!s) return
    const asBin = [...bins].find((b) => b.toLowerCase() === s.code.toLowerCase())
    if (asBin) {
      setBin(asBin)
      say({ ok: true, title: `At bin ${asBin}` })
      return
    }
    scan.mutate({ barcode: s.code, quantity: s.quantity })
  }

  if (picklist.isPending) return <Loader />
  if (picklist.error) return <ErrorAlert error={picklist.error} />
  const p = picklist.data
  const done = p.status === 'completed' || !current
  const flash = feedback && Date.now() - feedback.at < 60_000 ? feedback : null

  return (
    <Stack gap="sm" maw={560} mx="auto" onClick={refocus}>
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Title order={2} fz={20}>
            <Anchor component={Link} to={`/warehouse/picklists/${p.id}`} inherit>
              {p.number}
            </Anchor>{' '}
            · {p.location}
          </Title>
          <Text size="xs" c="dimmed">
            Accuracy {p.accuracy.accuracy === null ? '—' : `${Math.round(p.accuracy.accuracy * 100)} %`} · {p.accuracy.scans} scans
          </Text>
        </div>
        <Box w={160}>
          <PickProgress progress={p.progress} />
        </Box>
      </Group>

      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit('keyboard')
        }}
      >
        <TextInput
          ref={input}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => {
            const s = reader.key(e.key, e.timeStamp)
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault()
              submit(s?.source ?? 'keyboard')
            }
          }}
          onBlur={() => !shortOpen && refocus()}
          label="Scan bin or item"
          aria-label="Scan"
          placeholder={done ? 'All picked' : 'Scan…'}
          size="xl"
          autoFocus
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          disabled={done}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 24 } }}
        />
      </form>

      {flash && (
        <Card padding="md" radius="md" bg={flash.ok ? 'teal.6' : 'red.7'} c="white" role={flash.ok ? 'status' : 'alert'} data-scan-result={flash.ok ? 'ok' : 'error'}>
          <Text fz={26} fw={800} lh={1.1}>
            {flash.title}
          </Text>
          {flash.detail && <Text fz="md">{flash.detail}</Text>}
        </Card>
      )}

      {done ? (
        <Card withBorder padding="lg" ta="center">
          <Text fz={28} fw={800} c="teal.7">
            Picklist done
          </Text>
          <Text size="sm" c="dimmed" mb="sm">
            {p.progress.picked} units picked{p.progress.short ? `, ${p.progress.short} short` : ''}. Take the cart to the pack station.
          </Text>
          <Button component={Link} to={`/warehouse/pack?location=${p.location}`} size="md">
            Go to packing
          </Button>
        </Card>
      ) : (
        <Card withBorder padding="md" radius="md" aria-label="Next pick">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Go to bin
          </Text>
          <Text fz={44} fw={800} lh={1} className="mono" style={{ fontSize: 44 }} data-bin={current.bin ?? ''}>
            {current.bin ?? '(no bin)'}
          </Text>
          {bin && bin !== current.bin && (
            <Text c="orange.7" fw={600}>
              You scanned bin {bin}
            </Text>
          )}
          <Text size="xs" c="dimmed" tt="uppercase" fw={700} mt="sm">
            Pick
          </Text>
          <Text fz={34} fw={800} lh={1.1}>
            {current.remainingQuantity} × <span className="mono">{current.sku}</span>
          </Text>
          <Text fz="lg">{current.name}</Text>
          <Text size="sm" c="dimmed" className="mono">
            {current.barcode}
            {current.lot ? ` · lot ${current.lot}` : ''}
          </Text>
          <Text size="sm" mt={4}>
            For {current.orders.map((o) => `${o.orderNumber} × ${o.quantity - o.pickedQuantity - o.shortQuantity}`).join(', ')}
          </Text>
          <Group mt="sm">
            <Button variant="light" color="orange" size="sm" onClick={() => setShortOpen(true)}>
              Not enough here…
            </Button>
          </Group>
        </Card>
      )}

      <Stack gap={2}>
        {lines.map((l) => (
          <Group key={l.id} justify="space-between" wrap="nowrap" style={{ opacity: l.remainingQuantity ? 1 : 0.45, textDecoration: l.remainingQuantity ? undefined : 'line-through' }}>
            <Text size="sm" className="mono">
              {l.bin ?? '—'} · {l.sku}
            </Text>
            <Text size="sm" className="num">
              {l.pickedQuantity}/{l.quantity}
              {l.shortQuantity ? ` (${l.shortQuantity} short)` : ''}
            </Text>
          </Group>
        ))}
      </Stack>
      {shortOpen && current && <ShortModal picklistId={p.id} line={current} onClose={() => setShortOpen(false)} />}
    </Stack>
  )
}

/** The picker found fewer units than the line wants: record how many there were in all. */
function ShortModal({ picklistId, line, onClose }: { picklistId: string; line: PicklistLine; onClose: () => void }) {
  const qc = useQueryClient()
  const [found, setFound] = useState<number | string>(line.pickedQuantity)
  const short = useMutation({
    mutationFn: () => api.post<{ shortQuantity: number; rerouted: { sku: string; quantity: number }[] }>(`/v1/picklists/${picklistId}/short`, { line: line.id, found: Number(found) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: picklistKey(picklistId) })
      onClose()
    },
  })
  return (
    <Modal opened onClose={onClose} title={`Short pick at ${line.bin ?? 'no bin'}`}>
      <Stack gap="sm">
        <Text size="sm">
          How many units of <b>{line.sku}</b> are there in all, counting the {line.pickedQuantity} already scanned? The rest is routed to another warehouse or backordered, and written off this bin.
        </Text>
        {short.error ? <ErrorAlert error={short.error} /> : null}
        <NumberInput label="Units found" value={found} onChange={setFound} min={0} max={line.quantity} size="lg" data-autofocus />
        <Button color="orange" onClick={() => short.mutate()} loading={short.isPending}>
          Report {line.quantity - Number(found || 0)} short
        </Button>
      </Stack>
    </Modal>
  )
}

/** Which walk to scan: picklists open or under way, big enough to tap on a handheld. */
export function ScanIndexPage() {
  const open = useQuery({
    queryKey: ['picklists', 'to-scan'],
    queryFn: async ({ signal }) => {
      const [a, b] = await Promise.all([
        api.get<{ data: Picklist[] }>('/v1/picklists?status=in_progress&limit=50', signal),
        api.get<{ data: Picklist[] }>('/v1/picklists?status=open&limit=50', signal),
      ])
      return [...a.data, ...b.data]
    },
  })
  return (
    <Stack gap="sm" maw={560} mx="auto">
      <Title order={2} fz={22}>
        Scan to pick
      </Title>
      {open.error && <ErrorAlert error={open.error} />}
      {open.data?.map((p) => (
        <Button key={p.id} component={Link} to={`/warehouse/scan/${p.id}`} size="lg" variant="default" justify="space-between" rightSection={`${p.progress.picked}/${p.progress.units}`}>
          {p.number} · {p.location}
        </Button>
      ))}
      {open.data && !open.data.length && (
        <Text c="dimmed">
          No picklist is waiting. Start a wave in <Anchor component={Link} to="/warehouse/picklists">Picklists</Anchor>.
        </Text>
      )}
    </Stack>
  )
}
