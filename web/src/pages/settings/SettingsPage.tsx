import { Tabs } from '@mantine/core'
import { useNavigate, useParams } from 'react-router'
import { useFeatures } from '../../api/features'
import { useCan } from '../../auth/session'
import { PageHeader } from '../../components/common'
import { CarriersTab } from './CarriersTab'
import { ChannelsTab } from './ChannelsTab'
import { EmailsTab } from './EmailsTab'
import { KeysTab } from './KeysTab'
import { LocationsTab } from './LocationsTab'
import { PackagingTab } from './PackagingTab'
import { ReturnsTab } from './ReturnsTab'
import { RoutingTab } from './RoutingTab'
import { ShippingMethodsTab } from './ShippingMethodsTab'
import { UsersTab } from './UsersTab'
import { WebhooksTab } from './WebhooksTab'

/**
 * Master data, policies and access: each tab shows when the server has its API and the user's
 * role may use it.
 */
export function SettingsPage() {
  const { tab = 'channels' } = useParams()
  const navigate = useNavigate()
  const can = useCan()
  const features = useFeatures()
  const tabs = [
    { value: 'channels', label: 'Channels', panel: <ChannelsTab /> },
    { value: 'locations', label: 'Locations and bins', panel: <LocationsTab /> },
    ...(features.carriers ? [{ value: 'carriers', label: 'Carriers', panel: <CarriersTab /> }] : []),
    ...(features.shippingMethods ? [{ value: 'shipping-methods', label: 'Shipping methods', panel: <ShippingMethodsTab /> }] : []),
    ...(features.packaging ? [{ value: 'packaging', label: 'Boxes', panel: <PackagingTab /> }] : []),
    ...(features.routingPolicy && can('routing:read') ? [{ value: 'routing', label: 'Routing policy', panel: <RoutingTab /> }] : []),
    ...(features.returnPolicies && can('returns:read') ? [{ value: 'returns', label: 'Returns', panel: <ReturnsTab /> }] : []),
    ...(features.notifications && can('notifications:manage') ? [{ value: 'emails', label: 'E-mails', panel: <EmailsTab /> }] : []),
    ...(features.webhooks && can('webhooks:manage') ? [{ value: 'webhooks', label: 'Webhooks', panel: <WebhooksTab /> }] : []),
    ...(can('keys:manage')
      ? [
          { value: 'api-keys', label: 'API keys', panel: <KeysTab /> },
          { value: 'users', label: 'Users', panel: <UsersTab /> },
        ]
      : []),
  ]
  const current = tabs.some((t) => t.value === tab) ? tab : 'channels'
  return (
    <>
      <PageHeader title="Settings" />
      <Tabs value={current} onChange={(t) => navigate(`/settings/${t}`)} keepMounted={false}>
        <Tabs.List mb="sm">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  )
}
