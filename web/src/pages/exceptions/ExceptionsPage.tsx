import { Anchor, Autocomplete, Badge, Button, Card, Group, Menu, Modal, SegmentedControl, Select, Stack, Table, Tabs, Text, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { Channel, ExceptionItem, ExceptionList, Page, User } from '../../api/types'
import { useCan, useSession } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, FormProblem, PageHeader, When } from '../../components/common'
import { LocationSelect } from '../../components/inputs'
import { consoleLink, exceptionFiltersFromSearch, exceptionFiltersToSearch, exceptionsPath, typeLabel, typeTabs, type ExceptionFilters } from '../../lib/exceptions'
import { HOLD_CODES } from '../../lib/filters'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemOf, problemText } from '../../lib/problem'

const SEVERITY_COLOR = { high: 'red', normal: 'yellow', low: 'gray' } as const
const AGES = [1, 2, 3, 7, 14, 30].map((d) => ({ value: String(d), label: `${d} day${d > 1 ? 's' : ''} or more` }))

type Command = 'assign' | 'resolve' | 'reopen'

/** One queue of what needs a person, from every module: take an item, deal with it where it lives, resolve it with a note. */
export function ExceptionsPage() {
  const [params, setParams] = useSearchParams()
  const filters = exceptionFiltersFromSearch(params)
  const set = (patch: Partial<ExceptionFilters>) => setParams(exceptionFiltersToSearch({ ...filters, ...patch }), { replace: true })
  const { data: session } = useSession()
  const me = session?.user.email ?? ''
  const can = useCan()
  const qc = useQueryClient()
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels') })
  const { query: list, pager } = useCursorPage<ExceptionItem, ExceptionList>(['exceptions'], exceptionsPath(filters, me))
  const [modal, setModal] = useState<{ command: Command; item: ExceptionItem } | null>(null)
  const counts = list.data?.counts
  const resolvedView = filters.status === 'resolved'

  const take = useMutation({
    mutationFn: (item: ExceptionItem) => act(item, 'assign', { assignee: me }),
    onSuccess: (item) => {
      notifications.show({ color: 'teal', message: `You have "${item.title}"` })
      void qc.invalidateQueries({ queryKey: ['exceptions'] })
    },
    onError: (err) => {
      notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) })
      void qc.invalidateQueries({ queryKey: ['exceptions'] })
    },
  })

  return (
    <>
      <PageHeader
        title="Exceptions"
        subtitle="What needs a person: held orders, old backorders, short picks, parcels in trouble, returns waiting, failed e-mails and webhooks"
        actions={
          <SegmentedControl
            size="xs"
            value={resolvedView ? 'resolved' : 'open'}
            onChange={(v) => set({ status: v === 'resolved' ? 'resolved' : undefined })}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'resolved', label: 'Resolved' },
            ]}
          />
        }
      >
        <Card withBorder padding="xs">
          <Group gap="xs" align="flex-end" wrap="wrap">
            <WhoSelect value={filters.who ?? null} onChange={(who) => set({ who: who ?? undefined })} items={list.data?.data ?? []} me={me} />
            {(!filters.type || filters.type === 'order_hold') && (
              <Select
                label="Hold"
                data={HOLD_CODES.map((c) => ({ value: c, label: `${humanize(c)}${counts?.byHoldCode[c] ? ` (${counts.byHoldCode[c]})` : ''}` }))}
                value={filters.holdCode ?? null}
                onChange={(v) => set({ holdCode: (v ?? undefined) as ExceptionFilters['holdCode'] })}
                clearable
                w={140}
              />
            )}
            <div style={{ width: 200 }}>
              <LocationSelect value={filters.location ?? null} onChange={(v) => set({ location: v ?? undefined })} clearable />
            </div>
            <Select label="Channel" data={(channels.data?.data ?? []).map((c) => ({ value: c.code, label: c.name }))} value={filters.channel ?? null} onChange={(v) => set({ channel: v ?? undefined })} clearable w={150} />
            <Select label="Waiting" placeholder="Any time" data={AGES} value={filters.olderThanDays ?? null} onChange={(v) => set({ olderThanDays: v ?? undefined })} clearable w={150} />
            {[...exceptionFiltersToSearch(filters).keys()].length > 0 && (
              <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                Clear filters
              </Button>
            )}
          </Group>
        </Card>
      </PageHeader>

      <Tabs value={filters.type ?? 'all'} onChange={(t) => set({ type: t === 'all' ? undefined : (t as ExceptionFilters['type']), holdCode: t === 'all' || t === 'order_hold' ? filters.holdCode : undefined })} mb="xs">
        <Tabs.List>
          {typeTabs(counts).map((t) => (
            <Tabs.Tab
              key={t.value}
              value={t.value}
              data-type={t.value}
              rightSection={t.count !== null && <Badge color={t.count ? (t.value === 'all' ? 'indigo' : 'orange') : 'gray'} variant={t.count ? 'filled' : 'light'} data-count={t.count}>{t.count}</Badge>}
            >
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {counts?.capped.length ? (
        <Text size="xs" c="orange.8" mb="xs">
          More {counts.capped.map(typeLabel).join(', ').toLowerCase()} exist than are listed and counted here (each source reads at most 500).
        </Text>
      ) : null}

      {list.error && <ErrorAlert error={list.error} />}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label="Exceptions" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={96}>Severity</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th w={120}>Where</Table.Th>
                <Table.Th w={120}>{resolvedView ? 'Resolved' : 'Since'}</Table.Th>
                <Table.Th w={200}>{resolvedView ? 'Resolution' : 'Assignee'}</Table.Th>
                <Table.Th w={190} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
              {list.data?.data.map((x) => {
                const to = consoleLink(x)
                return (
                  <Table.Tr key={x.key} data-exception={x.key} data-order={x.orderNumber ?? undefined}>
                    <Table.Td>
                      <Badge color={SEVERITY_COLOR[x.severity]} variant={x.severity === 'high' ? 'filled' : 'light'}>
                        {x.severity}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed" fw={600}>
                        {typeLabel(x.type)}
                        {x.holdCode ? ` · ${humanize(x.holdCode)}` : ''}
                      </Text>
                      {to ? (
                        <Anchor component={Link} to={to} fw={600} size="sm">
                          {x.title}
                        </Anchor>
                      ) : (
                        <Text fw={600} size="sm">
                          {x.title}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {x.detail}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{[x.location, x.channel].filter(Boolean).join(' · ') || '—'}</Text>
                    </Table.Td>
                    <Table.Td>{resolvedView ? <When iso={x.resolvedAt} relative /> : <When iso={x.since} relative />}</Table.Td>
                    <Table.Td>
                      {resolvedView ? (
                        <>
                          <Text size="sm" lineClamp={2}>
                            {x.resolutionNote}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {x.resolvedBy}
                          </Text>
                        </>
                      ) : x.assignee ? (
                        <>
                          <Text size="sm" fw={x.assignee === me ? 600 : undefined} data-assignee={x.assignee}>
                            {x.assignee === me ? 'You' : x.assignee}
                          </Text>
                          {x.note && (
                            <Text size="xs" c="dimmed" lineClamp={2}>
                              {x.note}
                            </Text>
                          )}
                        </>
                      ) : (
                        <Text size="sm" c="dimmed">
                          nobody
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {can('exceptions:write') &&
                        (resolvedView ? (
                          <Button size="xs" variant="default" onClick={() => setModal({ command: 'reopen', item: x })}>
                            Reopen
                          </Button>
                        ) : (
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            {x.assignee !== me && (
                              <Button size="xs" variant="light" onClick={() => take.mutate(x)} loading={take.isPending && take.variables?.key === x.key}>
                                Take
                              </Button>
                            )}
                            <Button size="xs" onClick={() => setModal({ command: 'resolve', item: x })}>
                              Resolve
                            </Button>
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <Button size="xs" variant="subtle" color="gray" aria-label={`More for ${x.title}`}>
                                  …
                                </Button>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item onClick={() => setModal({ command: 'assign', item: x })}>Assign to someone…</Menu.Item>
                                {x.assignee && <Menu.Item onClick={() => setModal({ command: 'assign', item: { ...x, assignee: null } })}>Hand back to the queue…</Menu.Item>}
                              </Menu.Dropdown>
                            </Menu>
                          </Group>
                        ))}
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {list.isPending && <Empty>Loading…</Empty>}
        {list.data && !list.data.data.length && <Empty>{resolvedView ? 'Nothing resolved matches these filters.' : 'Nothing needs a person here. Well done.'}</Empty>}
      </Card>
      <CursorPager {...pager} />
      {modal && <CommandModal {...modal} me={me} onClose={() => setModal(null)} />}
    </>
  )
}

/** POST /v1/exceptions/{key}/{command}, guarded by the version the person saw. */
const act = (item: ExceptionItem, command: Command, body: Record<string, unknown>) =>
  api.post<ExceptionItem>(`/v1/exceptions/${encodeURIComponent(item.key)}/${command}`, body, { 'if-match': `"${item.version}"` })

/** Assign (to someone, or back to the queue when the item comes with no assignee), resolve or reopen, each with a note. */
function CommandModal({ command, item, me, onClose }: { command: Command; item: ExceptionItem; me: string; onClose: () => void }) {
  const qc = useQueryClient()
  const [assignee, setAssignee] = useState(item.assignee ?? '')
  const [note, setNote] = useState(command === 'assign' ? (item.note ?? '') : '')
  const handBack = command === 'assign' && !item.assignee
  const run = useMutation({
    mutationFn: () => act(item, command, command === 'assign' ? { assignee: handBack ? null : assignee.trim(), ...(note.trim() ? { note: note.trim() } : {}) } : note.trim() ? { note: note.trim() } : {}),
    onSuccess: (x) => {
      const message = command === 'resolve' ? 'Resolved: it leaves the queue' : command === 'reopen' ? 'Back in the queue' : x.assignee ? `Assigned to ${x.assignee === me ? 'you' : x.assignee}` : 'Handed back to the queue'
      notifications.show({ color: 'teal', title: x.title, message: `${message}${x.orderNumber ? `; noted on ${x.orderNumber}'s timeline` : ''}.` })
      void qc.invalidateQueries({ queryKey: ['exceptions'] })
      void qc.invalidateQueries({ queryKey: ['order-events'] })
      onClose()
    },
    onError: (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 412)) void qc.invalidateQueries({ queryKey: ['exceptions'] })
    },
  })
  const { byField, other } = fieldErrors(problemOf(run.error), ['assignee', 'note'])
  const title = command === 'resolve' ? 'Resolve' : command === 'reopen' ? 'Reopen' : handBack ? 'Hand back to the queue' : 'Assign'
  return (
    <Modal opened onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          run.mutate()
        }}
      >
        <Stack gap="sm">
          <div>
            <Text size="sm" fw={600}>
              {item.title}
            </Text>
            <Text size="xs" c="dimmed">
              {item.detail}
            </Text>
          </div>
          <FormProblem error={run.error} other={other} />
          {command === 'assign' && !handBack && <AssigneeInput value={assignee} onChange={setAssignee} error={byField.assignee} me={me} />}
          <Textarea
            label={command === 'resolve' ? 'What was done' : command === 'reopen' ? 'Why it needs a person again' : 'Working note'}
            description={item.orderNumber ? `Shown on ${item.orderNumber}'s timeline` : undefined}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={byField.note}
            required={command === 'resolve'}
            autosize
            minRows={2}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={run.isPending} disabled={command === 'assign' && !handBack && !assignee.trim()}>
              {title}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** People who sign in (when this user may list them), or any name: the API takes an e-mail or a name. */
function AssigneeInput({ value, onChange, error, me }: { value: string; onChange: (v: string) => void; error?: string; me: string }) {
  const can = useCan()
  const users = useQuery({ queryKey: ['users'], queryFn: () => api.get<Page<User>>('/v1/users?limit=500'), enabled: can('keys:manage'), staleTime: 60_000 })
  const emails = [me, ...(users.data?.data ?? []).filter((u) => u.active && u.email !== me).map((u) => u.email)]
  return <Autocomplete label="Assign to" placeholder="E-mail or name" data={emails} value={value} onChange={onChange} error={error} required />
}

/** Anyone, me, nobody, or one of the people who hold items now. */
function WhoSelect({ value, onChange, items, me }: { value: string | null; onChange: (v: string | null) => void; items: ExceptionItem[]; me: string }) {
  const others = [...new Set(items.map((x) => x.assignee).filter((a): a is string => !!a && a !== me)), ...(value && !['me', 'nobody'].includes(value) ? [value] : [])]
  return (
    <Select
      label="Assignee"
      placeholder="Anyone"
      data={[{ value: 'me', label: 'Me' }, { value: 'nobody', label: 'Nobody yet' }, ...[...new Set(others)].map((a) => ({ value: a, label: a }))]}
      value={value}
      onChange={onChange}
      clearable
      w={190}
    />
  )
}
