import { Button, Card, Group, Menu, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, ActionIcon } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { useCursorPage } from '../../api/paging'
import type { User } from '../../api/types'
import { useSession } from '../../auth/session'
import { CursorPager, Empty, ErrorAlert, StatusBadge, When } from '../../components/common'
import { ApiError, fieldErrors, problemText } from '../../lib/problem'
import { USER_ROLES } from './roles'

export function UsersTab() {
  const qc = useQueryClient()
  const { data: session } = useSession()
  const { query: users, pager } = useCursorPage<User>(['users'], '/v1/users', { limit: 100 })
  const [modal, setModal] = useState<null | 'create' | { password: User }>(null)
  const update = useMutation({
    mutationFn: ({ user, patch }: { user: User; patch: Partial<Pick<User, 'role' | 'active'>> }) => api.patch<User>(`/v1/users/${user.id}`, patch),
    onSuccess: (u) => {
      notifications.show({ message: `${u.email}: ${u.active ? `role ${u.role}` : 'disabled, signed out everywhere'}` })
      void qc.invalidateQueries({ queryKey: ['users'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="dimmed">
          People who sign in to this console. Their role decides what they may do, as for API keys.
        </Text>
        <Button onClick={() => setModal('create')}>New user</Button>
      </Group>
      {users.error && <ErrorAlert error={users.error} />}
      <Card withBorder padding={0}>
        <Table aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>E-mail</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th w={150}>Role</Table.Th>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data?.data.map((u) => (
              <Table.Tr key={u.id} style={{ opacity: u.active ? 1 : 0.55 }}>
                <Table.Td>
                  {u.email}
                  {u.id === session?.user.id && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (you)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{u.name ?? '—'}</Table.Td>
                <Table.Td>
                  <Select data={USER_ROLES} value={u.role} onChange={(role) => role && role !== u.role && update.mutate({ user: u, patch: { role } })} allowDeselect={false} aria-label={`Role of ${u.email}`} />
                </Table.Td>
                <Table.Td>
                  <When iso={u.lastSignInAt} relative />
                </Table.Td>
                <Table.Td>
                  <StatusBadge value={u.active ? 'active' : 'disabled'} />
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.email}`}>
                        ⋯
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setModal({ password: u })}>Set a new password</Menu.Item>
                      {u.active ? (
                        <Menu.Item color="red" onClick={() => update.mutate({ user: u, patch: { active: false } })}>
                          Disable
                        </Menu.Item>
                      ) : (
                        <Menu.Item onClick={() => update.mutate({ user: u, patch: { active: true } })}>Enable</Menu.Item>
                      )}
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {users.data && !users.data.data.length && <Empty>No users yet.</Empty>}
      </Card>
      <CursorPager {...pager} compact />
      {modal === 'create' && <CreateUserModal onClose={() => setModal(null)} />}
      {modal && typeof modal === 'object' && <PasswordModal user={modal.password} onClose={() => setModal(null)} />}
    </>
  )
}

function CreateUserModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient()
  const [form, setForm] = useState({ email: '', name: '', role: 'support', password: '' })
  const create = useMutation({
    mutationFn: () => api.post<User>('/v1/users', { ...form, name: form.name.trim() || undefined }),
    onSuccess: (u) => {
      notifications.show({ color: 'teal', message: `${u.email} can now sign in` })
      void qc.invalidateQueries({ queryKey: ['users'] })
      onClose()
    },
  })
  const { byField, other } = fieldErrors(create.error instanceof ApiError ? create.error.problem : null, ['email', 'name', 'role', 'password'])
  return (
    <Modal opened onClose={onClose} title="New user">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate()
        }}
      >
        <Stack gap="xs">
          {create.error && (other.length > 0 || !(create.error instanceof ApiError) || !create.error.problem.errors?.length) ? <ErrorAlert error={create.error} /> : null}
          <TextInput label="E-mail" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} error={byField.email} required data-autofocus />
          <TextInput label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={byField.name} />
          <Select label="Role" data={USER_ROLES} value={form.role} onChange={(v) => setForm({ ...form, role: v ?? 'support' })} error={byField.role} allowDeselect={false} />
          <PasswordInput label="Password" description="At least 8 characters; tell them, and they can sign in" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} error={byField.password} required />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function PasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const [password, setPassword] = useState('')
  const save = useMutation({
    mutationFn: () => api.patch<User>(`/v1/users/${user.id}`, { password }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: `New password set for ${user.email}; their other sessions are signed out` })
      onClose()
    },
  })
  const { byField } = fieldErrors(save.error instanceof ApiError ? save.error.problem : null, ['password'])
  return (
    <Modal opened onClose={onClose} title={`New password for ${user.email}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <Stack gap="xs">
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={byField.password ?? (save.error && !byField.password ? problemText((save.error as ApiError).problem) : undefined)} required data-autofocus />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
