// @flowhub-sync/flowhub-check: `npm run flowhub:check`, a read-only check of a store's Flowhub settings (README.md).
export {
  failedLine,
  runFlowhubCheck,
  showProxy,
  RESULT_PREFIX,
  type CheckClientOptions,
  type CheckReport,
  type CheckSource,
  type CheckTarget,
  type InventoryCheck,
  type LocationsCheck,
  type StepResult,
  type StepStatus,
} from './check';
export { inventoryFacts, EXAMPLES, type InventoryFacts, type MissList, type SyncPreview } from './inventory-facts';
export { renderText, scrubSecrets } from './render';
export { CheckSetupError, checkCredentialsEnv, openReadOnlyDatabase, targetFromEnvironment, targetFromStore } from './targets';
export { parseArguments, runCli, USAGE, type CliArguments, type CliOutput } from './cli';
