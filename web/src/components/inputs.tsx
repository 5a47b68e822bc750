import { Autocomplete, Select, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../api/client'
import type { Bin, Location, Page, Product } from '../api/types'
import { decimal } from '../lib/csv'
import { fractionDigits } from '../lib/format'
import { toMinor } from '../lib/money'

/** A SKU field that suggests products as you type (GET /v1/products?q=). */
export function SkuInput({ value, onChange, error, label = 'SKU', ariaLabel, required, autoFocus }: { value: string; onChange: (v: string) => void; error?: string; label?: string | null; ariaLabel?: string; required?: boolean; autoFocus?: boolean }) {
  const [q] = useDebouncedValue(value.trim(), 200)
  const products = useQuery({
    queryKey: ['product-search', q],
    queryFn: ({ signal }) => api.get<Page<Product>>(`/v1/products?q=${encodeURIComponent(q)}&limit=10`, signal),
    enabled: q.length >= 2,
    staleTime: 60_000,
  })
  const data = (products.data?.data ?? []).map((p) => ({ value: p.sku, label: `${p.sku} · ${p.name}` }))
  return (
    <Autocomplete
      label={label}
      aria-label={ariaLabel}
      value={value}
      onChange={(v) => onChange(v.includes(' · ') ? v.split(' · ')[0] : v)}
      data={data}
      filter={({ options }) => options}
      error={error}
      required={required}
      autoFocus={autoFocus}
      placeholder="Type to search"
      className="mono"
      name="sku"
    />
  )
}

export function useLocations() {
  return useQuery({ queryKey: ['locations'], queryFn: () => api.get<Page<Location>>('/v1/locations?limit=500'), staleTime: 60_000 })
}

export function LocationSelect({ value, onChange, error, label = 'Location', required, clearable }: { value: string | null; onChange: (v: string | null) => void; error?: string; label?: string; required?: boolean; clearable?: boolean }) {
  const locations = useLocations()
  return (
    <Select
      label={label}
      value={value}
      onChange={onChange}
      data={(locations.data?.data ?? []).map((l) => ({ value: l.code, label: `${l.code} · ${l.name}` }))}
      error={error}
      required={required}
      clearable={clearable}
      searchable
      placeholder={clearable ? 'All' : 'Choose'}
    />
  )
}

export function BinSelect({ location, value, onChange, error, label = 'Bin' }: { location: string | null; value: string | null; onChange: (v: string | null) => void; error?: string; label?: string }) {
  const bins = useQuery({
    queryKey: ['bins', location],
    queryFn: () => api.get<{ data: Bin[] }>(`/v1/locations/${encodeURIComponent(location!)}/bins`),
    enabled: !!location,
    staleTime: 60_000,
  })
  return <Select label={label} value={value} onChange={onChange} data={(bins.data?.data ?? []).map((b) => ({ value: b.code, label: b.zone ? `${b.code} (${b.zone})` : b.code }))} error={error} clearable searchable placeholder="No bin" disabled={!location} />
}

/**
 * An amount typed in the currency's units ("4.95") and handed on as integer minor units (495);
 * null while the field is empty or holds no amount. The text is the person's until they change it.
 */
export function MoneyInput({ label, description, value, onChange, currency, error, required, placeholder, w }: { label: string; description?: string; value: number | null; onChange: (minor: number | null) => void; currency: string; error?: string; required?: boolean; placeholder?: string; w?: number }) {
  const digits = fractionDigits(currency)
  const [text, setText] = useState(value === null ? '' : decimal(value, digits))
  const bad = text.trim() !== '' && toMinor(text, digits) === null
  return (
    <TextInput
      label={label}
      description={description}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value)
        onChange(toMinor(e.currentTarget.value, digits))
      }}
      error={error ?? (bad ? `an amount in ${currency}, e.g. ${decimal(495, digits)}` : undefined)}
      required={required}
      placeholder={placeholder}
      inputMode="decimal"
      rightSection={<span style={{ fontSize: 11, color: 'var(--mantine-color-dimmed)' }}>{currency}</span>}
      rightSectionWidth={40}
      w={w}
    />
  )
}
