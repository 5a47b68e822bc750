import { useQuery } from '@tanstack/react-query'

/**
 * Which parts of the API this server has, read from its OpenAPI document: the console shows a
 * screen only when the endpoints behind it exist, instead of a screen that cannot work.
 */
export interface Features {
  picklists: boolean
  shipments: boolean
  manifests: boolean
  carriers: boolean
  packaging: boolean
  routing: boolean
  routingPolicy: boolean
  exceptions: boolean
  returns: boolean
  webhooks: boolean
  refunds: boolean
  feedback: boolean
  statusLink: boolean
  notifications: boolean
  shippingMethods: boolean
  returnPolicies: boolean
  paths: Set<string>
}

export function featuresOf(paths: Iterable<string>): Features {
  const set = new Set(paths)
  const has = (p: string) => set.has(p)
  return {
    picklists: has('/v1/picklists'),
    shipments: has('/v1/shipments'),
    manifests: has('/v1/manifests'),
    carriers: has('/v1/carriers'),
    packaging: has('/v1/packaging') || has('/v1/boxes'),
    routing: has('/v1/orders/{id}/routing'),
    routingPolicy: has('/v1/routing/policy') || has('/v1/routing/policies'),
    exceptions: has('/v1/exceptions'),
    returns: has('/v1/returns'),
    webhooks: has('/v1/webhook-endpoints'),
    refunds: has('/v1/refunds'),
    feedback: has('/v1/orders/{id}/feedback'),
    statusLink: has('/v1/orders/{id}/status-link'),
    notifications: has('/v1/notification-templates'),
    shippingMethods: has('/v1/shipping-methods'),
    returnPolicies: has('/v1/return-policies'),
    paths: set,
  }
}

export function useFeatures(): Features {
  const { data } = useQuery({
    queryKey: ['openapi-paths'],
    queryFn: async () => {
      const res = await fetch('/openapi.json', { credentials: 'same-origin' })
      if (!res.ok) return [] as string[]
      return Object.keys(((await res.json()) as { paths?: Record<string, unknown> }).paths ?? {})
    },
    staleTime: 5 * 60_000,
  })
  return featuresOf(data ?? [])
}
