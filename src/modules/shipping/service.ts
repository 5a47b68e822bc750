import type { CatalogService } from '../catalog/index.js'
import type { LocationService } from '../locations/index.js'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { CostEstimator, ShipmentListener } from './ports.js'

/** Carriers, services and rate cards; rate shopping; labels; shipments and their tracking; manifests. */
export function createShippingService(_d: { locations: LocationService; catalog: CatalogService; listener: () => ShipmentListener }) {
  return {
    /** A cost estimator over the current rate cards (cached; see CostEstimator). */
    async costEstimator(_db: Db | Trx): Promise<CostEstimator> {
      return () => null
    },
  }
}

export type ShippingService = ReturnType<typeof createShippingService>
