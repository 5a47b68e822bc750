export { singleThenSplit, type AllocationStrategy, type AllocationPlan, type AllocationRequest, type CandidateLocation, type DemandLine, type PlannedAllocation } from './allocate.js'
export { haversineKm, type Point } from './geo.js'
