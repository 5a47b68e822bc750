import { Tabs } from '@mantine/core'
import { useNavigate, useParams } from 'react-router'
import { useFeatures } from '../../api/features'
import { useCan } from '../../auth/session'
import { PageHeader } from '../../components/common'
import { CarriersTab } from './CarriersTab'
import { ChannelsTab } from './ChannelsTab'
import { KeysTab } from './KeysTab'
import { LocationsTab } from './LocationsTab'
import { PackagingTab } from './PackagingTab'
import { RoutingTab } from './RoutingTab'
import { UsersTab } from './UsersTab'

/**
 * Master data and access; carriers, boxes and the routing policy when the server has their APIs.
 * Return policies, notification templates and webhooks are still to come here.
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
    ...(features.packaging ? [{ value: 'packaging', label: 'Boxes', panel: <PackagingTab /> }] : []),
    ...(features.routingPolicy && can('routing:read') ? [{ value: 'routing', label: 'Routing policy', panel: <RoutingTab /> }] : []),
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
