import { invalidInput } from '../errors.js';

/**
 * Shape checks for personalize-events requests with AWS's validation wording
 * ("1 validation error detected: Value '...' at 'eventList.1.member.itemId'
 * failed to satisfy constraint: ..."). The JS SDK sends whatever it is given,
 * so the service is where these limits bite.
 */

export type JsonObject = Record<string, unknown>;

/** Collects the validation errors of one request, then throws them together. */
export class RequestChecker {
  private readonly errors: string[] = [];

  private fail(value: unknown, path: string, constraint: string): void {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    const short = shown !== undefined && shown.length > 64 ? `${shown.slice(0, 61)}...` : shown;
    this.errors.push(`Value '${short}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private missing(path: string): void {
    this.errors.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }

  /** A string member of length `min`..`max`; returns it when valid. */
  string(object: JsonObject, member: string, path: string, min: number, max: number, required: boolean) {
    const value = object[member];
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(value, path, 'Member must be a string');
      return undefined;
    }
    if (value.length < min) this.fail(value, path, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max) this.fail(value, path, `Member must have length less than or equal to ${max}`);
    else return value;
    return undefined;
  }

  /** A string member that must also match `pattern` (given as AWS prints it). */
  patterned(object: JsonObject, member: string, path: string, max: number, pattern: RegExp) {
    const value = this.string(object, member, path, 0, max, true);
    if (value !== undefined && !pattern.test(value)) {
      this.fail(
        value,
        path,
        `Member must satisfy regular expression pattern: ${pattern.source.replace(/^\^|\$$/g, '')}`,
      );
      return undefined;
    }
    return value;
  }

  /** A finite number member (timestamps arrive as epoch seconds, possibly fractional). */
  number(object: JsonObject, member: string, path: string, required: boolean) {
    const value = object[member];
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(value, path, 'Member must be a number');
      return undefined;
    }
    return value;
  }

  /** A list member of `min`..`max` elements; returns the elements when the list itself is valid. */
  list(object: JsonObject, member: string, path: string, min: number, max: number, required: boolean) {
    const value = object[member];
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.fail(value, path, 'Member must be a list');
      return undefined;
    }
    if (value.length < min) this.fail(value, path, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max) this.fail(value, path, `Member must have length less than or equal to ${max}`);
    else return value as unknown[];
    return undefined;
  }

  /** A structure (list element or nested member); `undefined` when it is not an object. */
  object(value: unknown, path: string): JsonObject | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    if (value === undefined || value === null) this.missing(path);
    else this.fail(value, path, 'Member must be a structure');
    return undefined;
  }

  /** Members the operation does not define: AWS rejects them as serialization errors; we name them. */
  noUnknownMembers(object: JsonObject, known: readonly string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key))
        this.errors.push(`Unknown member '${key}' at '${path === '' ? key : `${path}.${key}`}'`);
    }
  }

  /** @throws PersonalizeApiError InvalidInputException listing every error found, in AWS's format. */
  done(): void {
    const count = this.errors.length;
    if (count === 0) return;
    throw invalidInput(`${count} validation error${count === 1 ? '' : 's'} detected: ${this.errors.join('; ')}`);
  }
}
