import { Badge, Button, Card, Grid, Group, Loader, NavLink, Select, Stack, Switch, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useSearchParams } from 'react-router'
import { api } from '../../api/client'
import type { Channel, NotificationPreview, NotificationTemplate } from '../../api/types'
import { useCan } from '../../auth/session'
import { ErrorAlert, FormProblem, When } from '../../components/common'
import { humanize } from '../../lib/format'
import { ApiError, fieldErrors, problemOf } from '../../lib/problem'

const CODE = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }
const SOURCE_COLORS = { 'built-in': 'gray', default: 'blue', channel: 'grape' } as const
const templatePath = (event: string, channel: string | null, suffix = '') => `/v1/notification-templates/${encodeURIComponent(event)}${suffix}${channel ? `?channel=${encodeURIComponent(channel)}` : ''}`

/** The customer e-mails: one template per event, for every channel or one; edited, previewed on a real or sample order, reset. */
export function EmailsTab() {
  const [params, setParams] = useSearchParams()
  const channel = params.get('channel')
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next, { replace: true })
  }
  const all = useQuery({ queryKey: ['notification-templates'], queryFn: () => api.get<{ data: NotificationTemplate[] }>('/v1/notification-templates') })
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels') })
  const events = [...new Set((all.data?.data ?? []).map((t) => t.event))]
  const event = params.get('event') ?? events[0] ?? null
  // What each event sends for the scope: the channel's own template, else the default one.
  const effective = (e: string) => (all.data?.data ?? []).find((t) => t.event === e && t.channel === channel) ?? (all.data?.data ?? []).find((t) => t.event === e && t.channel === null)
  return (
    <>
      <Group justify="space-between" mb="xs" align="flex-end">
        <Text size="sm" c="dimmed" maw={760}>
          What customers receive at each step. A channel can have its own text; otherwise it sends the default. Placeholders such as {'{{order.number}}'}, {'{{#each order.lines}}…{{/each}}'} and {'{{statusUrl}}'} are listed in docs/notifications.md.
        </Text>
        <Select
          label="For"
          data={[{ value: '', label: 'Every channel (default)' }, ...(channels.data?.data ?? []).map((c) => ({ value: c.code, label: `${c.name} only` }))]}
          value={channel ?? ''}
          onChange={(v) => set('channel', v || null)}
          allowDeselect={false}
          w={220}
        />
      </Group>
      {all.error && <ErrorAlert error={all.error} />}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Card withBorder padding={4} aria-label="E-mail events">
            {events.map((e) => {
              const t = effective(e)
              return (
                <NavLink
                  key={e}
                  label={humanize(e.replace('.', ' '))}
                  description={t && !t.enabled ? 'not sent' : undefined}
                  active={e === event}
                  onClick={() => set('event', e)}
                  rightSection={t && <Badge color={SOURCE_COLORS[t.source]}>{t.source === 'channel' ? 'own' : t.source}</Badge>}
                />
              )
            })}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>{event && <TemplateEditor key={`${event}@${channel ?? ''}`} event={event} channel={channel} />}</Grid.Col>
      </Grid>
    </>
  )
}

function TemplateEditor({ event, channel }: { event: string; channel: string | null }) {
  const qc = useQueryClient()
  const can = useCan()
  const template = useQuery({ queryKey: ['notification-template', event, channel], queryFn: ({ signal }) => api.get<NotificationTemplate>(templatePath(event, channel), signal) })
  if (template.isPending) return <Loader size="sm" />
  if (template.error) return <ErrorAlert error={template.error} />
  // A new version (saved, reset, changed elsewhere) starts the form again from what the server has.
  return <TemplateForm key={`${template.data.source}:${template.data.version}`} template={template.data} event={event} channel={channel} writable={can('notifications:manage')} onSaved={() => void qc.invalidateQueries({ queryKey: ['notification-templates'] })} />
}

function TemplateForm({ template, event, channel, writable, onSaved }: { template: NotificationTemplate; event: string; channel: string | null; writable: boolean; onSaved: () => void }) {
  const qc = useQueryClient()
  const [draft, setDraft] = useState({ subject: template.subject, text: template.text, html: template.html, enabled: template.enabled })
  const [orderId, setOrderId] = useState('')
  const [view, setView] = useState<string | null>('html')
  // The stored template of this scope, if there is one: edits to it carry its version.
  const ownScope = template.version !== null && (channel ? template.source === 'channel' : template.source === 'default')
  const reload = () => {
    void qc.invalidateQueries({ queryKey: ['notification-template', event, channel] })
    onSaved()
  }
  const save = useMutation({
    mutationFn: () => api.put<NotificationTemplate>(templatePath(event, channel), draft, ownScope ? { 'if-match': `"${template.version}"` } : undefined),
    onSuccess: (t) => {
      notifications.show({ color: 'teal', message: `${humanize(event.replace('.', ' '))} e-mail saved${channel ? ` for ${channel}` : ''} (version ${t.version})` })
      reload()
    },
    onError: (err) => {
      if (!(err instanceof ApiError && err.status === 412)) return
      notifications.show({ color: 'yellow', title: 'Changed by someone else', message: 'This e-mail has been reloaded; make your change again.' })
      reload()
    },
  })
  const reset = useMutation({
    mutationFn: () => api.delete(templatePath(event, channel)),
    onSuccess: () => {
      notifications.show({ message: channel ? `${channel} sends the default ${humanize(event.replace('.', ' ')).toLowerCase()} e-mail again` : 'Back to the built-in e-mail' })
      reload()
    },
  })
  const preview = useMutation({
    mutationFn: () => api.post<NotificationPreview>(templatePath(event, channel, '/preview'), { subject: draft.subject, text: draft.text, html: draft.html, ...(orderId.trim() ? { orderId: orderId.trim() } : {}) }),
  })
  const saveErrors = fieldErrors(problemOf(save.error), ['subject', 'text', 'html', 'enabled'])
  const previewErrors = fieldErrors(problemOf(preview.error), ['subject', 'text', 'html', 'orderId'])
  const errorOf = (f: string) => saveErrors.byField[f] ?? previewErrors.byField[f]
  const changed = draft.subject !== template.subject || draft.text !== template.text || draft.html !== template.html || draft.enabled !== template.enabled
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm" aria-label="Template">
        <Group justify="space-between" mb="xs">
          <Title order={4} fz="sm">
            {humanize(event.replace('.', ' '))} {channel ? `· ${channel}` : ''}
          </Title>
          <Text size="xs" c="dimmed">
            {template.source === 'built-in' ? 'The e-mail Ordo ships with' : template.source === 'channel' ? `${channel}'s own` : 'The edited default'}
            {template.updatedAt && (
              <>
                {' '}
                · changed <When iso={template.updatedAt} relative /> by {template.updatedBy}
              </>
            )}
          </Text>
        </Group>
        <Stack gap="xs">
          <FormProblem error={save.error} other={saveErrors.other} />
          <Switch label="Send this e-mail" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })} disabled={!writable} />
          <TextInput label="Subject" value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.currentTarget.value })} error={errorOf('subject')} disabled={!writable} />
          <Textarea label="Text" value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.currentTarget.value })} error={errorOf('text')} autosize minRows={5} maxRows={14} styles={CODE} disabled={!writable} />
          <Textarea label="HTML" description="Every value is HTML-escaped" value={draft.html} onChange={(e) => setDraft({ ...draft, html: e.currentTarget.value })} error={errorOf('html')} autosize minRows={5} maxRows={14} styles={CODE} disabled={!writable} />
          <Group justify="space-between" align="flex-end">
            <Group gap="xs" align="flex-end">
              <TextInput label="Preview on order" placeholder="Sample order" value={orderId} onChange={(e) => setOrderId(e.currentTarget.value)} error={previewErrors.byField.orderId} w={170} />
              <Button variant="default" onClick={() => preview.mutate()} loading={preview.isPending}>
                Preview
              </Button>
            </Group>
            {writable && (
              <Group gap="xs">
                {ownScope && (
                  <Button variant="subtle" color="red" onClick={() => reset.mutate()} loading={reset.isPending}>
                    {channel ? 'Use the default' : 'Back to built-in'}
                  </Button>
                )}
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!changed && ownScope}>
                  Save{channel ? ` for ${channel}` : ''}
                </Button>
              </Group>
            )}
          </Group>
        </Stack>
      </Card>
      {preview.error && !previewErrors.byField.orderId ? <FormProblem error={preview.error} other={previewErrors.other} /> : null}
      {preview.data && (
        <Card withBorder padding="sm" aria-label="Preview">
          <Text size="xs" c="dimmed">
            To {preview.data.to}
          </Text>
          <Text fw={600} mb="xs" data-preview-subject>
            {preview.data.subject}
          </Text>
          <Tabs value={view} onChange={setView}>
            <Tabs.List>
              <Tabs.Tab value="html">HTML</Tabs.Tab>
              <Tabs.Tab value="text">Text</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html" pt="xs">
              {/* No scripts, no same-origin: the rendered e-mail cannot touch the console. */}
              <iframe title="HTML preview" sandbox="" srcDoc={preview.data.html} style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-3)', background: 'white' }} />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="xs">
              <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {preview.data.text}
              </Text>
            </Tabs.Panel>
          </Tabs>
        </Card>
      )}
    </Stack>
  )
}
