import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core'
import { createBrowserRouter, Link, Navigate, useRouteError } from 'react-router'
import { RequireSession } from './auth/session'
import { SignInPage } from './auth/SignInPage'
import { Shell } from './shell/Shell'
import { ErrorAlert } from './components/common'

function NotFound() {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs">
        <Title order={3}>Nothing here</Title>
        <Text c="dimmed">This page does not exist (yet).</Text>
        <Button component={Link} to="/" variant="default">
          Dashboard
        </Button>
      </Stack>
    </Center>
  )
}

function RouteError() {
  const error = useRouteError()
  return (
    <Center p="xl">
      <ErrorAlert error={error} title="This page failed" />
    </Center>
  )
}

/**
 * Client routes. The navigation shows exceptions, warehouse, shipments and returns only when the
 * server has their API.
 */
export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    hydrateFallbackElement: <Loader m="md" />,
    children: [
      // Each screen is its own chunk: the charts only load with the dashboard.
      { index: true, lazy: async () => ({ Component: (await import('./pages/DashboardPage')).DashboardPage }) },
      { path: 'orders', lazy: async () => ({ Component: (await import('./pages/orders/OrdersPage')).OrdersPage }) },
      { path: 'orders/:id', lazy: async () => ({ Component: (await import('./pages/orders/OrderDetailPage')).OrderDetailPage }) },
      { path: 'exceptions', lazy: async () => ({ Component: (await import('./pages/exceptions/ExceptionsPage')).ExceptionsPage }) },
      { path: 'inventory/:tab?', lazy: async () => ({ Component: (await import('./pages/inventory/InventoryPage')).InventoryPage }) },
      { path: 'warehouse', element: <Navigate to="/warehouse/picklists" replace /> },
      { path: 'warehouse/picklists', lazy: async () => ({ Component: (await import('./pages/warehouse/PicklistsPage')).PicklistsPage }) },
      { path: 'warehouse/picklists/:id', lazy: async () => ({ Component: (await import('./pages/warehouse/PicklistPage')).PicklistPage }) },
      { path: 'warehouse/scan', lazy: async () => ({ Component: (await import('./pages/warehouse/ScanPage')).ScanIndexPage }) },
      { path: 'warehouse/scan/:id', lazy: async () => ({ Component: (await import('./pages/warehouse/ScanPage')).ScanPage }) },
      { path: 'warehouse/pack', lazy: async () => ({ Component: (await import('./pages/warehouse/PackPage')).PackQueuePage }) },
      { path: 'warehouse/pack/:id', lazy: async () => ({ Component: (await import('./pages/warehouse/PackPage')).PackPage }) },
      { path: 'warehouse/manifests', lazy: async () => ({ Component: (await import('./pages/warehouse/ManifestsPage')).ManifestsPage }) },
      { path: 'shipments', lazy: async () => ({ Component: (await import('./pages/shipments/ShipmentsPage')).ShipmentsPage }) },
      { path: 'shipments/:id', lazy: async () => ({ Component: (await import('./pages/shipments/ShipmentsPage')).ShipmentPage }) },
      { path: 'returns', lazy: async () => ({ Component: (await import('./pages/returns/ReturnsPage')).ReturnsPage }) },
      { path: 'returns/:id', lazy: async () => ({ Component: (await import('./pages/returns/ReturnsPage')).ReturnPage }) },
      { path: 'settings/:tab?', lazy: async () => ({ Component: (await import('./pages/settings/SettingsPage')).SettingsPage }) },
      { path: '*', element: <NotFound /> },
    ],
  },
])
