/** The store conformance suites, run by each backend's test file against its own implementation. */
export { type EventStoreConformanceOptions, type EventStoreFactory, runEventStoreConformance } from './events.js';
export { AGENCY_A, AGENCY_B, CONFORMANCE_QUERIES, conformanceEvents, HUNT_QUERIES, T0 } from './fixtures.js';
export { runStateStoreConformance, type StateStoreFactory } from './state.js';
