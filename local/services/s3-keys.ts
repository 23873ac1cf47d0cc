/**
 * S3 key helpers: the encoding S3 event notifications use for object keys, and
 * the order S3 lists keys in.
 */

/**
 * Encodes a key the way S3 event notifications carry it: form encoding (space
 * as `+`, UTF-8 percent-escapes, as Java's URLEncoder) with `/` kept. Consumers
 * recover the key with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** S3 lists keys in ascending order of their UTF-8 bytes (not locale order, not UTF-16 order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
