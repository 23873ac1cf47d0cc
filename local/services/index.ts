/**
 * Backing services of the local cloud: S3, SQS and SNS (fauxqs) and DynamoDB
 * (dynalite), persisted under a data directory, served one routed request at
 * a time through `handle()`. See README.md in this folder.
 */
export {
  type BackingServiceName,
  type BackingServices,
  type BackingServicesEndpoints,
  type BackingServicesOptions,
  startBackingServices,
} from './backing-services.js';
export {
  BackingServicesError,
  CorruptJournalError,
  PersistenceFailedError,
  UnsupportedAccountError,
  UnsupportedEmulatorVersionError,
} from './errors.js';
export type { JournalStats } from './journal.js';
export type { ObjectCreatedEvent, ObjectCreatedEventName, ObjectCreatedListener } from './messaging-persistence.js';
export type { QueueCoordinates } from './messaging-service.js';
