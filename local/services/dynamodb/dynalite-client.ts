import { forward, readBody, type Upstream } from '../http-forward.js';

/** A DynamoDB JSON object (AttributeValues stay in their wire shape). */
export type JsonObject = Record<string, unknown>;

export interface DynamoResult {
  readonly status: number;
  readonly body: JsonObject;
  /** The exception name (`ConditionalCheckFailedException`…) of an error response. */
  readonly error: string | undefined;
}

/**
 * Calls dynalite directly with raw DynamoDB JSON, for the operations the
 * wrapper composes (transactions, TTL). dynalite wants a SigV4-shaped
 * Authorization header but never checks the signature.
 */
export class DynaliteClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly region: string,
  ) {}

  async call(operation: string, input: JsonObject): Promise<DynamoResult> {
    const response = await forward(this.upstream, {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'x-amz-date': '20240101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=mpx/20240101/${this.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: Buffer.from(JSON.stringify(input)),
    });
    const text = (await readBody(response)).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as JsonObject;
    const status = response.statusCode ?? 500;
    return { status, body, error: status === 200 ? undefined : errorName(body) };
  }

  /** The table's key attribute names, or the error response if it cannot be described. */
  async keyAttributes(tableName: string): Promise<string[] | DynamoResult> {
    const described = await this.call('DescribeTable', { TableName: tableName });
    if (described.status !== 200) return described;
    const table = described.body.Table as { KeySchema?: { AttributeName: string }[] } | undefined;
    return (table?.KeySchema ?? []).map((key) => key.AttributeName);
  }
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
export function errorName(body: JsonObject): string | undefined {
  const type = body.__type;
  return typeof type === 'string' ? type.slice(type.lastIndexOf('#') + 1) : undefined;
}

/** An error response in DynamoDB's shape. */
export function dynamoError(status: number, name: string, message: string, extra: JsonObject = {}): DynamoResult {
  const namespace = name === 'ValidationException' ? 'com.amazon.coral.validate' : 'com.amazonaws.dynamodb.v20120810';
  return { status, body: { __type: `${namespace}#${name}`, message, ...extra }, error: name };
}
