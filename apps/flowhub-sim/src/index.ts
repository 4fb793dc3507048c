export { startSimulator, buildSimulatorApp, type SimulatorOptions, type RunningSimulator } from './simulator';
export { SimulatorState, DEMO_LOCATION, type SimulatorStateOptions } from './state';
export { SimLocation, type LocationOptions, type LocationSettings } from './location';
export {
  generateCatalogue,
  buildRooms,
  SPECIES_SPELLINGS,
  TERPENE_SPELLINGS,
  type CatalogueItem,
  type Room,
  type RoomSpec,
} from './catalogue';
export { FAULT_KINDS, type FaultKind, type FaultSpec, type Fault } from './faults';
export { ORDER_STATUSES, type OrderStatus, type LifecycleSettings } from './lifecycle';
export { BEHAVIOUR_SWITCHES, DEFAULT_BEHAVIOUR, LIVELY_BEHAVIOUR, type SimBehaviour } from './behaviour';
export type { SimOrder } from './orders';
export type { PostbackDelivery } from './postbacks';
export { ENDPOINTS, type Endpoint } from './endpoints';
export { FLOWHUB_AUDIENCE, TOKEN_LIFETIME_SECONDS } from './auth';
export type { SimulatorLogger } from './logger';
export { mulberry32 } from './random';
