import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useMutation } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { api } from '../api/client'
import { ApiError, fieldErrors } from '../lib/problem'
import { useSession, useSignedIn, type SessionWithPermissions } from './session'

export function SignInPage() {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const signedIn = useSignedIn()
  const session = useSession()
  // Only paths inside the console: never send someone to another site after signing in.
  const next = params.get('next')?.startsWith('/') && !params.get('next')?.startsWith('//') ? params.get('next')! : '/'
  const signIn = useMutation({
    mutationFn: () => api.post<SessionWithPermissions>('/v1/session', { email, password }),
    onSuccess: (s) => {
      signedIn(s)
      navigate(next, { replace: true })
    },
  })
  if (session.data) return <Navigate to={next} replace />
  const problem = signIn.error instanceof ApiError ? signIn.error.problem : null
  const { byField } = fieldErrors(problem, ['email', 'password'])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    signIn.mutate()
  }
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={360} radius="md">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack gap="sm">
            <div>
              <Title order={1} fz={24}>
                Ordo
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to the console
              </Text>
            </div>
            {problem && !Object.keys(byField).length && (
              <Alert color="red" variant="light" role="alert">
                {problem.status === 429 ? problem.detail : problem.status === 401 ? 'The e-mail or password is wrong, or the account is disabled.' : problem.detail}
              </Alert>
            )}
            <TextInput label="E-mail" name="email" type="email" autoComplete="username" required autoFocus size="sm" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={byField.email} />
            <PasswordInput label="Password" name="password" autoComplete="current-password" required size="sm" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={byField.password} />
            <Button type="submit" size="sm" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
