export interface LocationsTable {
  id: string
  code: string
  name: string
  type: string
  /** JSON of the postal address. */
  address: string
  latitude: number | null
  longitude: number | null
  active: number
  /** Lower ships first when nothing else (such as distance) decides. */
  priority: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface BinsTable {
  id: string
  locationId: string
  code: string
  zone: string | null
  pickSequence: number
  createdAt: string
}

export interface LocationTables {
  locations: LocationsTable
  bins: BinsTable
}
