import { Alert, Badge, Button, Card, Code, CopyButton, Group, Menu, Modal, SegmentedControl, Select, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Fragment, useState } from 'react'
import { useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { WebhookDelivery, WebhookEndpoint } from '../../api/types'
import { CursorPager, Empty, ErrorAlert, FormProblem, When } from '../../components/common'
import { withParams } from '../../lib/filters'
import { ApiError, fieldErrors, problemOf, problemText } from '../../lib/problem'

const EVENT_SUGGESTIONS = ['*', 'order.*', 'fulfillment.*', 'shipment.*', 'return.*', 'refund.*', 'inventory.*', 'exception.*', 'order.created', 'order.confirmed', 'order.held', 'order.shipped', 'order.delivered', 'order.cancelled']
const DELIVERY_COLORS = { pending: 'yellow', delivered: 'green', dead: 'red' } as const

const fail = (err: unknown) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) })

/** Where events are POSTed (signed, retried, dead-lettered), and every delivery with its attempts. */
export function WebhooksTab() {
  const qc = useQueryClient()
  const [params, setParams] = useSearchParams()
  const endpointId = params.get('endpoint')
  const status = params.get('status')
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next, { replace: true })
  }
  const endpoints = useQuery({ queryKey: ['webhook-endpoints'], queryFn: () => api.get<{ data: WebhookEndpoint[] }>('/v1/webhook-endpoints') })
  const [modal, setModal] = useState<null | 'create' | { edit: WebhookEndpoint } | { secret: { endpoint: WebhookEndpoint; secret: string; rotated: boolean } }>(null)
  const changed = () => {
    void qc.invalidateQueries({ queryKey: ['webhook-endpoints'] })
    void qc.invalidateQueries({ queryKey: ['webhook-deliveries'] })
    void qc.invalidateQueries({ queryKey: ['exceptions'] })
  }
  const toggle = useMutation({
    mutationFn: (e: WebhookEndpoint) => api.patch<WebhookEndpoint>(`/v1/webhook-endpoints/${e.id}`, { active: !e.active }, { 'if-match': `"${e.version}"` }),
    onSuccess: (e) => {
      notifications.show({ message: `${e.url}: ${e.active ? 'deliveries resume' : 'paused; deliveries wait'}` })
      changed()
    },
    onError: (err) => {
      fail(err)
      changed()
    },
  })
  const test = useMutation({
    mutationFn: (e: WebhookEndpoint) => api.post<WebhookDelivery>(`/v1/webhook-endpoints/${e.id}/test`),
    onSuccess: (d) => {
      const ok = d.status === 'delivered'
      notifications.show({ color: ok ? 'teal' : 'red', title: ok ? 'Test delivered' : 'Test not delivered', message: ok ? `The endpoint answered ${d.lastResponseStatus}.` : (d.lastError ?? `The endpoint answered ${d.lastResponseStatus}.`) })
      changed()
    },
    onError: fail,
  })
  const rotate = useMutation({
    mutationFn: (e: WebhookEndpoint) => api.post<WebhookEndpoint & { secret: string }>(`/v1/webhook-endpoints/${e.id}/rotate-secret`),
    onSuccess: ({ secret, ...endpoint }) => {
      setModal({ secret: { endpoint, secret, rotated: true } })
      changed()
    },
    onError: fail,
  })
  const remove = useMutation({
    mutationFn: (e: WebhookEndpoint) => api.delete(`/v1/webhook-endpoints/${e.id}`),
    onSuccess: (_, e) => {
      notifications.show({ message: `${e.url} deleted with its delivery log` })
      if (endpointId === e.id) set('endpoint', null)
      changed()
    },
    onError: fail,
  })
  const list = endpoints.data?.data ?? []
  return (
    <Stack gap="md">
      <div>
        <Group justify="space-between" mb="xs">
          <Text size="sm" c="dimmed">
            Each event is POSTed to every endpoint that subscribes to it, signed as Standard Webhooks says, in order per order or shipment, retried with backoff for 24 hours, then kept as a dead letter to replay.
          </Text>
          <Button onClick={() => setModal('create')}>New endpoint</Button>
        </Group>
        {endpoints.error && <ErrorAlert error={endpoints.error} />}
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={760}>
            <Table aria-label="Webhook endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((e) => (
                  <Table.Tr key={e.id} bg={e.id === endpointId ? 'indigo.0' : undefined}>
                    <Table.Td>
                      <Text size="sm" className="mono" style={{ wordBreak: 'break-all' }}>
                        {e.url}
                      </Text>
                      {e.description && (
                        <Text size="xs" c="dimmed">
                          {e.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {e.eventTypes.map((t) => (
                          <Badge key={t} variant="outline" color="gray" className="mono" tt="none">
                            {t}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={e.active ? 'green' : 'gray'}>{e.active ? 'active' : 'paused'}</Badge>
                      {e.disabledReason && (
                        <Text size="xs" c="orange.8">
                          {e.disabledReason}
                        </Text>
                      )}
                      {e.previousSecretExpiresAt && (
                        <Text size="xs" c="dimmed">
                          old secret signs until <When iso={e.previousSecretExpiresAt} />
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <When iso={e.createdAt} relative />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant={e.id === endpointId ? 'filled' : 'light'} onClick={() => set('endpoint', e.id === endpointId ? null : e.id)}>
                          Deliveries
                        </Button>
                        <Button size="xs" variant="default" onClick={() => test.mutate(e)} loading={test.isPending && test.variables?.id === e.id}>
                          Send test
                        </Button>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <Button size="xs" variant="subtle" color="gray" aria-label={`More for ${e.url}`}>
                              …
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item onClick={() => setModal({ edit: e })}>Edit</Menu.Item>
                            <Menu.Item onClick={() => toggle.mutate(e)}>{e.active ? 'Pause' : 'Resume'}</Menu.Item>
                            <Menu.Item onClick={() => window.confirm('Replace the signing secret? The old one keeps signing for 24 hours.') && rotate.mutate(e)}>Rotate secret</Menu.Item>
                            <Menu.Item color="red" onClick={() => window.confirm(`Delete ${e.url} and its delivery log?`) && remove.mutate(e)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {endpoints.data && !list.length && <Empty>No endpoints: no events leave Ordo.</Empty>}
        </Card>
      </div>
      <Deliveries endpoints={list} endpointId={endpointId} status={status} onFilter={set} />
      {modal === 'create' && <EndpointModal onClose={() => setModal(null)} onCreated={(endpoint, secret) => setModal({ secret: { endpoint, secret, rotated: false } })} />}
      {modal && typeof modal === 'object' && 'edit' in modal && <EndpointModal endpoint={modal.edit} onClose={() => setModal(null)} />}
      {modal && typeof modal === 'object' && 'secret' in modal && <SecretModal {...modal.secret} onClose={() => setModal(null)} />}
    </Stack>
  )
}

/** The delivery log, of one endpoint or all; dead letters retried one by one or replayed together. */
function Deliveries({ endpoints, endpointId, status, onFilter }: { endpoints: WebhookEndpoint[]; endpointId: string | null; status: string | null; onFilter: (k: string, v: string | null) => void }) {
  const qc = useQueryClient()
  const [open, setOpen] = useState<string | null>(null)
  const path = withParams(endpointId ? `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries` : '/v1/webhook-deliveries', { status })
  const { query: deliveries, pager } = useCursorPage<WebhookDelivery>(['webhook-deliveries'], path)
  const reload = () => {
    void qc.invalidateQueries({ queryKey: ['webhook-deliveries'] })
    void qc.invalidateQueries({ queryKey: ['exceptions'] })
  }
  const retry = useMutation({
    mutationFn: (d: WebhookDelivery) => api.post<WebhookDelivery>(`/v1/webhook-deliveries/${d.id}/retry`),
    onSuccess: (d) => {
      notifications.show({ color: 'teal', message: `${d.eventType} is on its way again` })
      reload()
    },
    onError: fail,
  })
  const replay = useMutation({
    mutationFn: (id: string) => api.post<{ replayed: number }>(`/v1/webhook-endpoints/${encodeURIComponent(id)}/replay`, { status: 'dead' }),
    onSuccess: (r) => {
      notifications.show({ color: 'teal', message: r.replayed ? `${r.replayed} dead letter(s) sent again, in their original order` : 'No dead letters to replay' })
      reload()
    },
    onError: fail,
  })
  return (
    <Card withBorder padding="sm" aria-label="Deliveries">
      <Group justify="space-between" mb="xs" align="flex-end">
        <Title order={4} fz="sm">
          Deliveries
        </Title>
        <Group gap="xs" align="flex-end">
          <Select
            label="Endpoint"
            placeholder="All endpoints"
            data={endpoints.map((e) => ({ value: e.id, label: e.url }))}
            value={endpointId}
            onChange={(v) => onFilter('endpoint', v)}
            clearable
            w={280}
          />
          <SegmentedControl
            size="xs"
            value={status ?? ''}
            onChange={(v) => onFilter('status', v || null)}
            data={[
              { value: '', label: 'All' },
              { value: 'pending', label: 'Pending' },
              { value: 'delivered', label: 'Delivered' },
              { value: 'dead', label: 'Dead' },
            ]}
          />
          {endpointId && (
            <Button color="red" variant="light" onClick={() => replay.mutate(endpointId)} loading={replay.isPending}>
              Replay dead letters
            </Button>
          )}
        </Group>
      </Group>
      {deliveries.error && <ErrorAlert error={deliveries.error} />}
      <Table.ScrollContainer minWidth={760}>
        <Table aria-label="Webhook deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th className="num">Attempts</Table.Th>
              <Table.Th>Last answer</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody style={{ opacity: deliveries.isPlaceholderData ? 0.6 : 1 }}>
            {deliveries.data?.data.map((d) => (
              <Fragment key={d.id}>
                <Table.Tr className="row-link" onClick={() => setOpen(open === d.id ? null : d.id)} data-delivery={d.status}>
                  <Table.Td>
                    <Text size="sm" className="mono">
                      {d.eventType}
                    </Text>
                    <Text size="xs" c="dimmed" className="mono">
                      {d.entityId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={DELIVERY_COLORS[d.status]}>{d.status}</Badge>
                    {d.nextAttemptAt && d.status === 'pending' && (
                      <Text size="xs" c="dimmed">
                        next <When iso={d.nextAttemptAt} relative />
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="num">{d.attemptCount}</Table.Td>
                  <Table.Td>
                    <Text size="xs" lineClamp={1}>
                      {d.lastResponseStatus ?? ''} {d.lastError ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <When iso={d.createdAt} relative />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="light"
                      onClick={(e) => {
                        e.stopPropagation()
                        retry.mutate(d)
                      }}
                      loading={retry.isPending && retry.variables?.id === d.id}
                    >
                      Retry
                    </Button>
                  </Table.Td>
                </Table.Tr>
                {open === d.id && (
                  <Table.Tr>
                    <Table.Td colSpan={6} bg="gray.0">
                      <Stack gap={4}>
                        {d.attempts.map((a, i) => (
                          <Text key={i} size="xs">
                            <When iso={a.attemptedAt} /> · {a.responseStatus ?? 'no answer'} · {a.durationMs} ms{a.error ? ` · ${a.error}` : ''}
                          </Text>
                        ))}
                        <Code block fz={11}>
                          {JSON.stringify(d.payload, null, 2)}
                        </Code>
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deliveries.data && !deliveries.data.data.length && <Empty>No deliveries match.</Empty>}
      <CursorPager {...pager} />
    </Card>
  )
}

function EndpointModal({ endpoint, onClose, onCreated }: { endpoint?: WebhookEndpoint; onClose: () => void; onCreated?: (e: WebhookEndpoint, secret: string) => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ url: endpoint?.url ?? '', description: endpoint?.description ?? '', eventTypes: endpoint?.eventTypes ?? ['order.*'] })
  // One key per form: a retried click returns the endpoint the first one created.
  const [idempotencyKey] = useState(() => `console-webhook-${Date.now()}-${Math.random().toString(36).slice(2)}`)
  const save = useMutation({
    mutationFn: () => {
      const body = { url: form.url, description: form.description.trim() || (endpoint ? null : undefined), eventTypes: form.eventTypes }
      return endpoint ? api.patch<WebhookEndpoint>(`/v1/webhook-endpoints/${endpoint.id}`, body, { 'if-match': `"${endpoint.version}"` }) : api.post<WebhookEndpoint & { secret: string }>('/v1/webhook-endpoints', body, { 'idempotency-key': idempotencyKey })
    },
    onSuccess: (e) => {
      void qc.invalidateQueries({ queryKey: ['webhook-endpoints'] })
      if ('secret' in e && onCreated) onCreated(e, e.secret as string)
      else {
        notifications.show({ color: 'teal', message: `${e.url} saved` })
        onClose()
      }
    },
  })
  const { byField, other } = fieldErrors(problemOf(save.error), ['url', 'description', 'eventTypes'])
  return (
    <Modal opened onClose={onClose} title={endpoint ? 'Edit endpoint' : 'New webhook endpoint'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <Stack gap="xs">
          <FormProblem error={save.error} other={other} />
          <TextInput label="URL" placeholder="https://example.com/hooks/ordo" value={form.url} onChange={(e) => setForm({ ...form, url: e.currentTarget.value })} error={byField.url} required data-autofocus />
          <TextInput label="Description" placeholder="e.g. ERP sync" value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} error={byField.description} />
          <TagsInput label="Events" description="Exact (order.shipped), a prefix (order.*) or * for all" data={EVENT_SUGGESTIONS} value={form.eventTypes} onChange={(v) => setForm({ ...form, eventTypes: v })} error={byField.eventTypes} clearable />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={save.isPending}>
              {endpoint ? 'Save' : 'Create endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function SecretModal({ endpoint, secret, rotated, onClose }: { endpoint: WebhookEndpoint; secret: string; rotated: boolean; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={rotated ? 'New signing secret' : 'Endpoint created'}>
      <Stack gap="sm">
        <Alert color="yellow" title="Copy it now">
          This is the only time the signing secret of {endpoint.url} is shown. The receiver verifies webhook-signature with it.
        </Alert>
        <Code block data-testid="webhook-secret">
          {secret}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={secret}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy secret'}</Button>}</CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
