export { createCatalogService, type CatalogService } from './service.js'
export { catalogRoutes } from './routes.js'
export { productSchema, skuSchema, TAX_CODES, type Product, type TaxCode } from './schema.js'
