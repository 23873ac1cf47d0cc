import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './fauxqs-internals.js';

/**
 * MD5OfMessageAttributes as SQS computes it: attributes sorted by name, each
 * encoded as length-prefixed (4-byte big-endian) name, data type, a transport
 * byte (1 string/number, 2 binary) and length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const attribute = attributes[name] as MessageAttributeValue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
