import { Center, Loader } from '@mantine/core'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { api, setCsrfToken } from '../api/client'
import type { Session } from '../api/types'
import { ApiError } from '../lib/problem'

export type SessionWithPermissions = Session & { permissions: string[] }

/** The signed-in user, or null: GET /v1/session, which also hands out the CSRF token for writes. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<SessionWithPermissions | null> => {
      try {
        const s = await api.get<SessionWithPermissions>('/v1/session')
        setCsrfToken(s.csrfToken)
        return s
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null
        throw err
      }
    },
    staleTime: Infinity,
    retry: false,
  })
}

/** Whether the signed-in user's role grants a permission (e.g. `orders:write`). */
export function useCan() {
  const { data } = useSession()
  return (permission: string) => !!data?.permissions.includes(permission)
}

export function useSignedIn(): (s: SessionWithPermissions) => void {
  const qc = useQueryClient()
  return (s) => {
    setCsrfToken(s.csrfToken)
    qc.setQueryData(['session'], s)
  }
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { data, isPending, error } = useSession()
  const location = useLocation()
  if (isPending) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    )
  }
  if (!data) {
    if (error) throw error
    const next = location.pathname + location.search
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />
  }
  return children
}
