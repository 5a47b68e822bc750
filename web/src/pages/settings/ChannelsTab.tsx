import { Button, Card, Group, Select, Switch, Table, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Channel } from '../../api/types'
import { useCan } from '../../auth/session'
import { Empty, ErrorAlert, When } from '../../components/common'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'

const CHANNEL_TYPES = ['web', 'marketplace', 'app', 'pos', 'phone', 'email', 'edi', 'wholesale', 'social']

export function ChannelsTab() {
  const qc = useQueryClient()
  const can = useCan()
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels') })
  const [form, setForm] = useState({ code: '', name: '', type: 'web' })
  const create = useMutation({
    mutationFn: () => api.post<Channel>('/v1/channels', form),
    onSuccess: (c) => {
      notifications.show({ color: 'teal', message: `Channel ${c.code} created` })
      setForm({ code: '', name: '', type: 'web' })
      void qc.invalidateQueries({ queryKey: ['channels'] })
    },
  })
  const toggle = useMutation({
    mutationFn: (c: Channel) => api.patch<Channel>(`/v1/channels/${encodeURIComponent(c.code)}`, { active: !c.active }),
    onSuccess: (c) => {
      notifications.show({ message: `${c.code} is ${c.active ? 'active' : 'inactive'}` })
      void qc.invalidateQueries({ queryKey: ['channels'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['code', 'name', 'type'])
  return (
    <>
      {channels.error && <ErrorAlert error={channels.error} />}
      <Card withBorder padding={0} mb="sm">
        <Table aria-label="Channels">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Active</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {channels.data?.data.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td className="mono">{c.code}</Table.Td>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{humanize(c.type)}</Table.Td>
                <Table.Td>
                  <When iso={c.createdAt} relative />
                </Table.Td>
                <Table.Td>
                  <Switch checked={c.active} disabled={!can('channels:write')} onChange={() => toggle.mutate(c)} aria-label={`${c.code} active`} size="xs" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {channels.data && !channels.data.data.length && <Empty>No channels yet.</Empty>}
      </Card>
      {can('channels:write') && (
        <Card withBorder padding="sm">
          <form
            onSubmit={(e) => {
              e.preventDefault()
              create.mutate()
            }}
          >
            <Group align="flex-start" gap="xs">
              <TextInput label="Code" placeholder="e.g. amazon-de" value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} error={byField.code} required w={160} />
              <TextInput label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required w={220} />
              <Select label="Type" data={CHANNEL_TYPES.map((t) => ({ value: t, label: humanize(t) }))} value={form.type} onChange={(v) => setForm({ ...form, type: v ?? 'web' })} error={byField.type} allowDeselect={false} w={150} />
              <Button type="submit" mt={22} loading={create.isPending}>
                Add channel
              </Button>
            </Group>
            {create.error && (!(create.error instanceof ApiError) || other.length > 0 || !create.error.problem.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          </form>
        </Card>
      )}
    </>
  )
}
