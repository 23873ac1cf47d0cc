/**
 * Errors the backing services raise at start or when their persistence fails.
 * Errors returned to SDK clients are protocol responses, not these.
 */

export class BackingServicesError extends Error {
  override readonly name: string = 'BackingServicesError';
}

/** The installed emulator is not the version whose internals the wrappers were written against. */
export class UnsupportedEmulatorVersionError extends BackingServicesError {
  override readonly name = 'UnsupportedEmulatorVersionError';
}

/** fauxqs hard-codes account 000000000000 in every ARN and queue URL; another account cannot be served. */
export class UnsupportedAccountError extends BackingServicesError {
  override readonly name = 'UnsupportedAccountError';
}

/** A complete journal line does not parse: the data directory was damaged by something other than a crash. */
export class CorruptJournalError extends BackingServicesError {
  override readonly name = 'CorruptJournalError';
}

/** A journal or blob write failed; the services stop acknowledging writes rather than lose them silently. */
export class PersistenceFailedError extends BackingServicesError {
  override readonly name = 'PersistenceFailedError';
}
