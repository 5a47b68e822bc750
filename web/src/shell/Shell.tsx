import { AppShell, Burger, Group, Menu, NavLink, ScrollArea, Text, TextInput, UnstyledButton, Badge } from '@mantine/core'
import { useDisclosure, useHotkeys } from '@mantine/hooks'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { Link, Outlet, useLocation, useNavigate } from 'react-router'
import { api, setCsrfToken } from '../api/client'
import { useFeatures } from '../api/features'
import type { ExceptionList } from '../api/types'
import { useCan, useSession } from '../auth/session'

interface NavItem {
  to: string
  label: string
  /** Shown only when the server has the API behind it. */
  when?: boolean
  /** A count beside the label (open exceptions). */
  count?: number
  children?: NavItem[]
}

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure()
  const features = useFeatures()
  const { data: session } = useSession()
  const can = useCan()
  // The open exceptions, beside their entry: refreshed every minute and after every action on them.
  const openExceptions = useQuery({
    queryKey: ['exceptions', 'open-count'],
    queryFn: ({ signal }) => api.get<ExceptionList>('/v1/exceptions?limit=1', signal),
    select: (l) => l.counts.total,
    enabled: features.exceptions && can('exceptions:read'),
    refetchInterval: 60_000,
  })
  const location = useLocation()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const [search, setSearch] = useState('')
  const searchRef = useRef<HTMLInputElement>(null)
  // "/" jumps to the order search, as in most admin tools.
  useHotkeys([['/', () => searchRef.current?.focus()]])

  const nav: NavItem[] = [
    { to: '/', label: 'Dashboard' },
    { to: '/orders', label: 'Orders' },
    { to: '/exceptions', label: 'Exceptions', when: features.exceptions && can('exceptions:read'), count: openExceptions.data },
    { to: '/inventory', label: 'Inventory' },
    {
      to: '/warehouse',
      label: 'Warehouse',
      when: features.picklists,
      children: [
        { to: '/warehouse/picklists', label: 'Picklists' },
        { to: '/warehouse/scan', label: 'Scan to pick' },
        { to: '/warehouse/pack', label: 'Pack station' },
        { to: '/warehouse/manifests', label: 'Manifests', when: features.manifests },
      ],
    },
    { to: '/shipments', label: 'Shipments', when: features.shipments },
    { to: '/returns', label: 'Returns', when: features.returns },
    { to: '/settings', label: 'Settings' },
  ]
  const isActive = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname === to || location.pathname.startsWith(`${to}/`))

  const signOut = async () => {
    await api.delete('/v1/session').catch(() => undefined)
    setCsrfToken(null)
    qc.clear()
    qc.setQueryData(['session'], null)
    navigate('/sign-in', { replace: true })
  }

  return (
    <AppShell header={{ height: 48 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700} fz={18} component={Link} to="/" c="indigo.7" style={{ textDecoration: 'none' }}>
              Ordo
            </Text>
          </Group>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              const q = search.trim()
              navigate(q ? `/orders?q=${encodeURIComponent(q)}` : '/orders')
              setSearch('')
              searchRef.current?.blur()
            }}
            style={{ flex: 1, maxWidth: 420 }}
          >
            <TextInput ref={searchRef} visibleFrom="xs" placeholder="Search orders: number, e-mail, external id   ( / )" aria-label="Search orders" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          </form>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account">
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" visibleFrom="sm">
                    {session?.user.name ?? session?.user.email}
                  </Text>
                  <Badge variant="outline">{session?.user.role}</Badge>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{session?.user.email}</Menu.Label>
              <Menu.Item component="a" href="/docs" target="_blank">
                API docs
              </Menu.Item>
              <Menu.Item color="red" onClick={signOut}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {nav
            .filter((n) => n.when !== false)
            .map((n) => (
              <NavLink
                key={n.to}
                component={Link}
                to={n.children ? n.children[0].to : n.to}
                label={n.label}
                rightSection={
                  n.count ? (
                    <Badge size="sm" color="red" variant="filled" aria-label={`${n.count} open`} data-count={n.count}>
                      {n.count}
                    </Badge>
                  ) : undefined
                }
                active={isActive(n.to)}
                className="nav-link"
                // A section opens on its first screen; its sub-screens show while inside it.
                onClick={(e) => {
                  if (n.children) {
                    e.preventDefault()
                    navigate(n.children[0].to)
                  } else close()
                }}
                opened={n.children ? isActive(n.to) : undefined}
                childrenOffset={16}
              >
                {n.children
                  ?.filter((c) => c.when !== false)
                  .map((c) => <NavLink key={c.to} component={Link} to={c.to} label={c.label} active={isActive(c.to)} className="nav-link" onClick={close} />)}
              </NavLink>
            ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  )
}
