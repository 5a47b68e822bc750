import { Alert, Button, Card, Code, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { ApiKey, Channel } from '../../api/types'
import { Empty, ErrorAlert, StatusBadge, When } from '../../components/common'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'
import { ROLES } from './roles'

export function KeysTab() {
  const qc = useQueryClient()
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api.get<{ data: ApiKey[] }>('/v1/api-keys') })
  const [creating, setCreating] = useState(false)
  const revoke = useMutation({
    mutationFn: (k: ApiKey) => api.post<ApiKey>(`/v1/api-keys/${k.id}/revoke`),
    onSuccess: (k) => {
      notifications.show({ message: `Key ${k.prefix}… (${k.name}) revoked` })
      void qc.invalidateQueries({ queryKey: ['api-keys'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  const confirmRevoke = (k: ApiKey) => {
    if (window.confirm(`Revoke the key "${k.name}" (${k.prefix}…)? Integrations using it stop working within seconds.`)) revoke.mutate(k)
  }
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="dimmed">
          Keys let integrations (shops, marketplaces, scripts) use the API. The secret is shown once, when the key is created.
        </Text>
        <Button onClick={() => setCreating(true)}>New API key</Button>
      </Group>
      {keys.error && <ErrorAlert error={keys.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="API keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data?.data.map((k) => (
              <Table.Tr key={k.id} style={{ opacity: k.revokedAt ? 0.55 : 1 }}>
                <Table.Td className="mono">{k.prefix}…</Table.Td>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>{k.role}</Table.Td>
                <Table.Td>{k.channel ?? '—'}</Table.Td>
                <Table.Td>
                  <When iso={k.createdAt} relative />
                </Table.Td>
                <Table.Td>{k.revokedAt ? <StatusBadge value="revoked" /> : <StatusBadge value="active" />}</Table.Td>
                <Table.Td ta="right">
                  {!k.revokedAt && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => confirmRevoke(k)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {keys.data && !keys.data.data.length && <Empty>No keys yet.</Empty>}
      </Card>
      {creating && <CreateKeyModal onClose={() => setCreating(false)} />}
    </>
  )
}

function CreateKeyModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ name: '', role: 'ops', channel: null as string | null })
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels'), enabled: form.role === 'channel' })
  const create = useMutation({
    mutationFn: () => api.post<ApiKey & { key: string }>('/v1/api-keys', { name: form.name, role: form.role, ...(form.channel && form.role === 'channel' ? { channel: form.channel } : {}) }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['api-keys'] }),
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['name', 'role', 'channel'])
  return (
    <Modal opened onClose={onClose} title="New API key">
      {create.data ? (
        <Stack gap="sm">
          <Alert color="yellow" title="Copy it now">
            This is the only time the key is shown. Store it in the integration's secret store.
          </Alert>
          <Code block data-testid="new-api-key">
            {create.data.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={create.data.key}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy key'}</Button>}</CopyButton>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            create.mutate()
          }}
        >
          <Stack gap="xs">
            {create.error && (other.length > 0 || !(create.error instanceof ApiError) || !create.error.problem.errors?.length) ? <ErrorAlert error={create.error} /> : null}
            <TextInput label="Name" description="Who or what uses it, e.g. shopify-sync" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} required data-autofocus />
            <Select label="Role" data={ROLES} value={form.role} onChange={(v) => setForm({ ...form, role: v ?? 'ops' })} error={byField.role} allowDeselect={false} />
            {form.role === 'channel' && (
              <Select label="Channel" description="A channel key creates and reads only this channel's orders" data={(channels.data?.data ?? []).map((c) => c.code)} value={form.channel} onChange={(v) => setForm({ ...form, channel: v })} error={byField.channel} required />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Close
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  )
}
