import { ActionIcon, Badge, Button, Card, Checkbox, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Table, TagsInput, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Channel, ReturnPolicy, ReturnReason } from '../../api/types'
import { useCan } from '../../auth/session'
import { ErrorAlert, FormProblem, Money } from '../../components/common'
import { LocationSelect, MoneyInput } from '../../components/inputs'
import { humanize } from '../../lib/format'
import { percentToPpm, ppmToPercent } from '../../lib/money'
import { ApiError, fieldErrors, problemOf, problemText } from '../../lib/problem'
import { RESOLUTIONS, useReasons } from '../returns/ReturnsPage'

const REFUND_SHIPPING = ['never', 'when_full_return', 'always']
const policyPath = (channel: string | null) => (channel ? `/v1/return-policies/${encodeURIComponent(channel)}` : '/v1/return-policies')

/** The rules returns are checked against (a default and per-channel ones), and the reasons customers choose from. */
export function ReturnsTab() {
  const qc = useQueryClient()
  const can = useCan()
  const policies = useQuery({ queryKey: ['return-policies'], queryFn: () => api.get<{ data: ReturnPolicy[] }>('/v1/return-policies') })
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.get<{ data: Channel[] }>('/v1/channels') })
  const [editing, setEditing] = useState<{ policy: ReturnPolicy; channel: string | null } | null>(null)
  const [newFor, setNewFor] = useState<string | null>(null)
  const list = policies.data?.data ?? []
  const fallback = list.find((p) => p.channel === null)
  const remove = useMutation({
    mutationFn: (channel: string) => api.delete(policyPath(channel)),
    onSuccess: (_, channel) => {
      notifications.show({ message: `${channel} follows the default policy again` })
      void qc.invalidateQueries({ queryKey: ['return-policies'] })
    },
    onError: (err) => notifications.show({ color: 'red', message: err instanceof ApiError ? problemText(err.problem) : String(err) }),
  })
  const without = (channels.data?.data ?? []).filter((c) => !list.some((p) => p.channel === c.code))
  return (
    <Stack gap="md">
      <div>
        <Group justify="space-between" mb="xs" align="flex-end">
          <Text size="sm" c="dimmed">
            Every return is checked against its channel's policy, or the default. Refusals name the rule.
          </Text>
          {can('channels:write') && fallback && without.length > 0 && (
            <Group gap="xs" align="flex-end">
              <Select placeholder="Channel" aria-label="Channel for a policy of its own" data={without.map((c) => ({ value: c.code, label: c.name }))} value={newFor} onChange={setNewFor} w={160} />
              <Button variant="default" disabled={!newFor} onClick={() => newFor && setEditing({ policy: fallback, channel: newFor })}>
                Own policy for this channel
              </Button>
            </Group>
          )}
        </Group>
        {policies.error && <ErrorAlert error={policies.error} />}
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table aria-label="Return policies">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>For</Table.Th>
                  <Table.Th className="num">Window</Table.Th>
                  <Table.Th className="num">Restocking fee</Table.Th>
                  <Table.Th>Return label</Table.Th>
                  <Table.Th>Back to</Table.Th>
                  <Table.Th>Authorization</Table.Th>
                  <Table.Th>Freight refunded</Table.Th>
                  <Table.Th>Customers may ask for</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((p) => (
                  <Table.Tr key={p.channel ?? '(default)'} data-policy={p.channel ?? 'default'}>
                    <Table.Td fw={600}>{p.channel ?? 'Default'}</Table.Td>
                    <Table.Td className="num">{p.windowDays} days</Table.Td>
                    <Table.Td className="num">{ppmToPercent(p.restockingFeePpm)} %</Table.Td>
                    <Table.Td>paid by {p.returnShippingPaidBy}</Table.Td>
                    <Table.Td>{p.returnLocation ?? '—'}</Table.Td>
                    <Table.Td>
                      {p.autoAuthorize ? (
                        <>
                          automatic
                          {p.autoAuthorizeMaxValue && (
                            <>
                              {' '}
                              up to <Money amount={p.autoAuthorizeMaxValue.amount} currency={p.autoAuthorizeMaxValue.currency} />
                            </>
                          )}
                        </>
                      ) : (
                        'by a person'
                      )}
                    </Table.Td>
                    <Table.Td>{humanize(p.refundShipping)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {p.resolutions.map((r) => (
                          <Badge key={r} variant="outline" color="gray">
                            {humanize(r)}
                          </Badge>
                        ))}
                        {p.nonReturnableSkus.length > 0 && (
                          <Badge variant="light" color="orange" title={p.nonReturnableSkus.join(', ')}>
                            {p.nonReturnableSkus.length} SKU(s) not returnable
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">
                      {can('channels:write') && (
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button size="xs" variant="subtle" onClick={() => setEditing({ policy: p, channel: p.channel })}>
                            Edit
                          </Button>
                          {p.channel && (
                            <Button size="xs" variant="subtle" color="red" onClick={() => window.confirm(`Remove ${p.channel}'s own policy? Its returns follow the default again.`) && remove.mutate(p.channel!)}>
                              Remove
                            </Button>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      </div>
      <ReasonsEditor />
      {editing && <PolicyModal {...editing} onClose={() => setEditing(null)} />}
    </Stack>
  )
}

function PolicyModal({ policy, channel, onClose }: { policy: ReturnPolicy; channel: string | null; onClose: () => void }) {
  const qc = useQueryClient()
  // A channel's first own policy starts from the default's values.
  const own = policy.channel === channel
  const [form, setForm] = useState({
    windowDays: policy.windowDays as number | string,
    restockingFee: ppmToPercent(policy.restockingFeePpm),
    returnShippingPaidBy: policy.returnShippingPaidBy,
    returnLocation: policy.returnLocation,
    autoAuthorize: policy.autoAuthorize,
    maxValue: policy.autoAuthorizeMaxValue?.amount ?? null,
    currency: policy.autoAuthorizeMaxValue?.currency ?? 'EUR',
    refundShipping: policy.refundShipping,
    resolutions: policy.resolutions,
    nonReturnableSkus: policy.nonReturnableSkus,
  })
  const save = useMutation({
    mutationFn: () =>
      api.put<ReturnPolicy>(
        policyPath(channel),
        {
          windowDays: Number(form.windowDays),
          // Text that is no percentage goes as typed: the API's answer names the field.
          restockingFeePpm: percentToPpm(form.restockingFee) ?? form.restockingFee,
          returnShippingPaidBy: form.returnShippingPaidBy,
          returnLocation: form.returnLocation,
          autoAuthorize: form.autoAuthorize,
          autoAuthorizeMaxValue: form.autoAuthorize && form.maxValue !== null ? { amount: form.maxValue, currency: form.currency } : null,
          refundShipping: form.refundShipping,
          resolutions: form.resolutions,
          nonReturnableSkus: form.nonReturnableSkus,
        },
        own ? { 'if-match': `"${policy.version}"` } : undefined,
      ),
    onSuccess: (p) => {
      notifications.show({ color: 'teal', message: `${p.channel ? `${p.channel}'s` : 'The default'} return policy is saved (version ${p.version})` })
      void qc.invalidateQueries({ queryKey: ['return-policies'] })
      onClose()
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 412) void qc.invalidateQueries({ queryKey: ['return-policies'] })
    },
  })
  const { byField, other } = fieldErrors(problemOf(save.error), ['windowDays', 'restockingFeePpm', 'returnShippingPaidBy', 'returnLocation', 'autoAuthorize', 'autoAuthorizeMaxValue', 'refundShipping', 'resolutions', 'nonReturnableSkus'])
  return (
    <Modal opened onClose={onClose} title={channel ? `Return policy of ${channel}` : 'Default return policy'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <Stack gap="xs">
          <FormProblem error={save.error} other={other} />
          <Group grow align="flex-start">
            <NumberInput label="Window" description="Days after delivery" value={form.windowDays} onChange={(v) => setForm({ ...form, windowDays: v })} error={byField.windowDays} min={0} max={3650} allowDecimal={false} required />
            <TextInput label="Restocking fee" description="% of the refunded value" value={form.restockingFee} onChange={(e) => setForm({ ...form, restockingFee: e.currentTarget.value })} error={byField.restockingFeePpm} rightSection="%" inputMode="decimal" />
            <LocationSelect label="Returns go back to" value={form.returnLocation} onChange={(v) => setForm({ ...form, returnLocation: v })} error={byField.returnLocation} clearable />
          </Group>
          <Group align="flex-end" gap="md">
            <Stack gap={2}>
              <Text size="xs" fw={500}>
                Return label paid by
              </Text>
              <SegmentedControl size="xs" value={form.returnShippingPaidBy} onChange={(v) => setForm({ ...form, returnShippingPaidBy: v as ReturnPolicy['returnShippingPaidBy'] })} data={['customer', 'merchant']} />
            </Stack>
            <Select label="Freight refunded" data={REFUND_SHIPPING.map((r) => ({ value: r, label: humanize(r) }))} value={form.refundShipping} onChange={(v) => setForm({ ...form, refundShipping: (v ?? 'never') as ReturnPolicy['refundShipping'] })} error={byField.refundShipping} allowDeselect={false} w={180} />
          </Group>
          <Group align="flex-end" gap="md">
            <Switch label="Authorize returns in policy at once" checked={form.autoAuthorize} onChange={(e) => setForm({ ...form, autoAuthorize: e.currentTarget.checked })} mb={6} />
            {form.autoAuthorize && <MoneyInput label="Up to a value of" description="Empty: any value" value={form.maxValue} onChange={(v) => setForm({ ...form, maxValue: v })} currency={form.currency} error={byField.autoAuthorizeMaxValue} w={170} />}
          </Group>
          <Checkbox.Group label="Customers may ask for" value={form.resolutions} onChange={(v) => setForm({ ...form, resolutions: v })} error={byField.resolutions}>
            <Group gap="md" mt={4}>
              {RESOLUTIONS.map((r) => (
                <Checkbox key={r} value={r} label={humanize(r)} />
              ))}
            </Group>
          </Checkbox.Group>
          <TagsInput label="SKUs that cannot be returned" placeholder="Type a SKU and press Enter" value={form.nonReturnableSkus} onChange={(v) => setForm({ ...form, nonReturnableSkus: v })} error={byField.nonReturnableSkus} clearable />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save policy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** A reason as edited; `fresh` for one added here (a stored reason keeps its code: returns name it). */
type DraftReason = Pick<ReturnReason, 'code' | 'label' | 'merchantFault'> & { fresh?: boolean }

/** The reasons customers choose from, in order; one left out is retired (kept on the returns that name it). */
function ReasonsEditor() {
  const qc = useQueryClient()
  const can = useCan()
  const reasons = useReasons()
  const [draft, setDraft] = useState<DraftReason[] | null>(null)
  const active = (reasons.data?.data ?? []).filter((r) => r.active)
  const retired = (reasons.data?.data ?? []).filter((r) => !r.active)
  const rows: DraftReason[] = draft ?? active
  const save = useMutation({
    mutationFn: () => api.put<{ data: ReturnReason[] }>('/v1/return-reasons', { reasons: rows.map(({ code, label, merchantFault }) => ({ code: code.trim(), label: label.trim(), merchantFault })) }),
    onSuccess: (r) => {
      notifications.show({ color: 'teal', message: `${r.data.filter((x) => x.active).length} return reasons saved` })
      qc.setQueryData(['return-reasons'], r)
      setDraft(null)
    },
  })
  const { byField, other } = fieldErrors(problemOf(save.error), rows.map((_, i) => `reasons.${i}`))
  const edit = (i: number, patch: Partial<DraftReason>) => setDraft(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  const writable = can('channels:write')
  return (
    <Card withBorder padding="sm" aria-label="Return reasons">
      <Group justify="space-between" mb="xs">
        <Title order={4} fz="sm">
          Return reasons
        </Title>
        <Text size="xs" c="dimmed">
          The merchant's fault (damaged, wrong item): no restocking fee and a free return label.
        </Text>
      </Group>
      {reasons.error && <ErrorAlert error={reasons.error} />}
      <FormProblem error={save.error} other={other} />
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={200}>Code</Table.Th>
            <Table.Th>What the customer reads</Table.Th>
            <Table.Th w={150}>Merchant's fault</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                <TextInput aria-label={`Code of reason ${i + 1}`} value={r.code} onChange={(e) => edit(i, { code: e.currentTarget.value })} className="mono" disabled={!writable || !r.fresh} error={byField[`reasons.${i}`]} />
              </Table.Td>
              <Table.Td>
                <TextInput aria-label={`Label of reason ${i + 1}`} value={r.label} onChange={(e) => edit(i, { label: e.currentTarget.value })} disabled={!writable} />
              </Table.Td>
              <Table.Td>
                <Switch size="xs" checked={r.merchantFault} onChange={(e) => edit(i, { merchantFault: e.currentTarget.checked })} disabled={!writable} aria-label={`${r.code} is the merchant's fault`} />
              </Table.Td>
              <Table.Td>
                {writable && (
                  <ActionIcon variant="subtle" color="gray" aria-label={`Retire ${r.code || 'reason'}`} onClick={() => setDraft(rows.filter((_, j) => j !== i))}>
                    ×
                  </ActionIcon>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {retired.length > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          Retired: {retired.map((r) => r.label).join(', ')} (add one again with its code to bring it back)
        </Text>
      )}
      {writable && (
        <Group justify="space-between" mt="xs">
          <Button variant="subtle" onClick={() => setDraft([...rows, { code: '', label: '', merchantFault: false, fresh: true }])}>
            + Add reason
          </Button>
          <Group gap="xs">
            {draft && (
              <Button variant="default" onClick={() => setDraft(null)}>
                Discard changes
              </Button>
            )}
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!draft}>
              Save reasons
            </Button>
          </Group>
        </Group>
      )}
    </Card>
  )
}
