export type { AllocationStrategy, AllocationPlan, AllocationRequest, CandidateLocation, DemandLine, PlannedAllocation } from './allocate.js'
export { haversineKm, builtInCentroid, normalizePostalCode, LOCATION_SOURCES, type LocationSource, type Point } from './geo.js'
export { DEFAULT_POLICY, FILTERS, RANKERS, routingPolicySchema, type RoutingPolicy, type RoutingPolicyInput } from './policy.js'
export { compilePolicy, type CompiledPolicy, type PolicyRef, type RoutingEnv } from './route.js'
export { simulateRouting, simulationTable, type SimulatedOrder } from './simulate.js'
export { centroidCsvReader, splitCsvLine, type CentroidLine } from './centroid-csv.js'
export { importCentroidFile, type CentroidFileImport } from './geo-import.js'
export {
  routingDecisionSchema,
  routingExplanationSchema,
  simulateBody,
  simulationReportSchema,
  type CentroidRow,
  type RoutingDecision,
  type RoutingExplanation,
  type RoutingTrigger,
  type SimulateInput,
  type SimulationReport,
} from './schema.js'
export { createRoutingService, type Located, type LocatableAddress, type RoutingService } from './service.js'
export { routingRoutes } from './routes.js'
export type { DemandSource, PastOrder } from './ports.js'
