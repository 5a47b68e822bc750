export { createLocationService, type LocationListener, type LocationService } from './service.js'
export { locationRoutes } from './routes.js'
export { binSchema, locationCode, locationSchema, LOCATION_TYPES, type Bin, type Location, type LocationType } from './schema.js'
