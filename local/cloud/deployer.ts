import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { unzipSync } from 'fflate';
import type { EventsEmulator } from '../events.js';
import { type InvocationLog, LocalFunction } from '../runner/function.js';
import type { EdgeClients } from './clients.js';
import { SqsMapping } from './sqs-mapping.js';
import { condition, creationOrder, type Resolved, resolveValue, type Scope, type Template } from './template.js';

/**
 * Applies a packaged CloudFormation template to the local cloud: every
 * resource is created through the SDK against the local edge (so the deployer
 * is just another client), functions are unpacked from their zips and run by
 * the local runner, and event source mappings and bucket notifications are
 * wired. Resources the local cloud does not need (IAM, policies, log groups,
 * alarms…) are recorded as skipped; unknown types are listed, never guessed.
 */

export interface BucketNotification {
  readonly bucket: string;
  readonly events: readonly string[];
  readonly prefix: string;
  readonly suffix: string;
  readonly target:
    | { readonly kind: 'queue'; readonly url: string; readonly arn: string }
    | { readonly kind: 'function'; readonly name: string };
}

export interface SkippedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

export interface DeployedStack {
  readonly stackName: string;
  readonly resources: ReadonlyMap<string, Resolved & { readonly type: string }>;
  readonly outputs: Readonly<Record<string, string>>;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly mappings: readonly SqsMapping[];
  readonly notifications: readonly BucketNotification[];
  readonly skipped: readonly SkippedResource[];
  stop(): Promise<void>;
}

export interface DeployOptions {
  readonly packageDir: string;
  readonly dataDir: string;
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  readonly edgeEndpoint: string;
  readonly clients: EdgeClients;
  readonly events: EventsEmulator;
  readonly log?: (entry: InvocationLog) => void;
  readonly onMappingError?: (error: unknown) => void;
  /** Variables set on every function over the template's (as `aws lambda update-function-configuration` would). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  readonly faults?: LocalFaults;
}

/** Faults the local cloud injects on purpose (tests of exactly-once effects). */
export interface LocalFaults {
  /** Every SQS message handed to its function twice, every S3 event sent twice. */
  readonly duplicateDelivery?: boolean;
}

/** Resource types that need nothing locally (permissions, logs, monitoring), with why. */
const NOT_NEEDED: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'IAM is not enforced locally',
  'AWS::IAM::Policy': 'IAM is not enforced locally',
  'AWS::IAM::ManagedPolicy': 'IAM is not enforced locally',
  'AWS::S3::BucketPolicy': 'bucket policies are not enforced locally',
  'AWS::SQS::QueuePolicy': 'queue policies are not enforced locally',
  'AWS::SNS::TopicPolicy': 'topic policies are not enforced locally',
  'AWS::Logs::LogGroup': 'function logs go to the local cloud output',
  'AWS::Lambda::Version': 'the local runner always runs $LATEST',
  'AWS::Lambda::Permission': 'invocation permissions are not enforced locally',
  'AWS::CloudWatch::Alarm': 'alarms are not evaluated locally',
  'AWS::CloudWatch::Dashboard': 'dashboards are not rendered locally',
  'AWS::KMS::Key': 'data is not encrypted locally',
  'AWS::KMS::Alias': 'data is not encrypted locally',
};

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** A physical name for a resource whose template gives none, stable across deploys like CloudFormation's. */
export function generatedName(stackName: string, logicalId: string, lowercase = false): string {
  const name = `${stackName}-${logicalId}-${shortHash(`${stackName}/${logicalId}`)}`;
  return lowercase ? name.toLowerCase() : name;
}

type Props = Record<string, unknown>;

export async function deployStack(options: DeployOptions): Promise<DeployedStack> {
  const template = JSON.parse(
    await readFile(join(options.packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const resolved = new Map<string, Resolved & { type: string }>();
  const scope: Scope = { region: options.region, account: options.account, stackName: options.stackName, resolved };
  const { region, account } = options;
  const functions = new Map<string, LocalFunction>();
  const functionsByArn = new Map<string, LocalFunction>();
  const queueUrls = new Map<string, string>();
  const mappings: SqsMapping[] = [];
  const notifications: BucketNotification[] = [];
  const skipped: SkippedResource[] = [];
  const c = options.clients;

  for (const logicalId of creationOrder(template)) {
    const resource = template.Resources[logicalId] as Template['Resources'][string];
    if (resource.Condition && !condition(template, resource.Condition, scope)) continue;
    const props = resolveValue(resource.Properties ?? {}, scope, template) as Props;
    const set = (ref: string, attributes: Record<string, string> = {}) =>
      resolved.set(logicalId, { ref, attributes, type: resource.Type });
    switch (resource.Type) {
      case 'AWS::S3::Bucket': {
        const name = (props.BucketName as string | undefined) ?? generatedName(options.stackName, logicalId, true);
        await c.s3
          .send(new CreateBucketCommand({ Bucket: name }))
          .catch(ignore('BucketAlreadyOwnedByYou', 'BucketAlreadyExists'));
        set(name, {
          Arn: `arn:aws:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
        });
        notifications.push(...bucketNotifications(name, props, queueUrls, functionsByArn));
        break;
      }
      case 'AWS::SQS::Queue': {
        const name = (props.QueueName as string | undefined) ?? generatedName(options.stackName, logicalId);
        const attributes: Record<string, string> = {};
        for (const key of [
          'VisibilityTimeout',
          'MessageRetentionPeriod',
          'DelaySeconds',
          'ReceiveMessageWaitTimeSeconds',
          'MaximumMessageSize',
          'FifoQueue',
          'ContentBasedDeduplication',
        ]) {
          if (props[key] !== undefined) attributes[key] = String(props[key]);
        }
        if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(props.RedrivePolicy);
        const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
        const arn = `arn:aws:sqs:${region}:${account}:${name}`;
        queueUrls.set(arn, QueueUrl as string);
        set(QueueUrl as string, { Arn: arn, QueueName: name, QueueUrl: QueueUrl as string });
        break;
      }
      case 'AWS::SNS::Topic': {
        const name = (props.TopicName as string | undefined) ?? generatedName(options.stackName, logicalId);
        const { TopicArn } = await c.sns.send(new CreateTopicCommand({ Name: name }));
        set(TopicArn as string, { TopicArn: TopicArn as string, TopicName: name });
        break;
      }
      case 'AWS::SNS::Subscription': {
        if (props.Protocol !== 'sqs') {
          skipped.push({
            logicalId,
            type: resource.Type,
            reason: `${String(props.Protocol)} subscriptions are not delivered locally`,
          });
          set(`${String(props.TopicArn)}:${logicalId}`);
          break;
        }
        const { SubscriptionArn } = await c.sns.send(
          new SubscribeCommand({
            TopicArn: props.TopicArn as string,
            Protocol: 'sqs',
            Endpoint: props.Endpoint as string,
            Attributes: props.RawMessageDelivery ? { RawMessageDelivery: String(props.RawMessageDelivery) } : undefined,
          }),
        );
        set(SubscriptionArn as string);
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const name = (props.TableName as string | undefined) ?? generatedName(options.stackName, logicalId);
        await createTable(c, name, props);
        set(name, {
          Arn: `arn:aws:dynamodb:${region}:${account}:table/${name}`,
          StreamArn: `arn:aws:dynamodb:${region}:${account}:table/${name}/stream/local`,
        });
        break;
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = (props.Name as string | undefined) ?? generatedName(options.stackName, logicalId);
        await c.scheduler.send(new CreateScheduleGroupCommand({ Name: name })).catch(ignore('ConflictException'));
        set(name, { Arn: `arn:aws:scheduler:${region}:${account}:schedule-group/${name}` });
        break;
      }
      case 'AWS::Scheduler::Schedule': {
        const name = (props.Name as string | undefined) ?? generatedName(options.stackName, logicalId);
        const input = { ...props, Name: name } as unknown as CreateScheduleCommandInput;
        await c.scheduler.send(new CreateScheduleCommand(input)).catch(async (error: unknown) => {
          if (!(error instanceof ConflictException)) throw error;
          await c.scheduler.send(new UpdateScheduleCommand(input));
        });
        const group = (props.GroupName as string | undefined) ?? 'default';
        set(name, { Arn: `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}` });
        break;
      }
      case 'AWS::Events::EventBus': {
        const name = props.Name as string;
        const arn = options.events.createBus(name);
        set(name, { Arn: arn, Name: name });
        break;
      }
      case 'AWS::Lambda::Function': {
        const name = (props.FunctionName as string | undefined) ?? generatedName(options.stackName, logicalId);
        const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
        const bundleDir = await unpack(options, name, props);
        const fn = new LocalFunction(
          {
            name,
            arn,
            bundleDir,
            handler: props.Handler as string,
            environment: functionEnvironment(options, name, props),
            timeoutSeconds: Number(props.Timeout ?? 3),
            memoryMb: Number(props.MemorySize ?? 128),
          },
          options.log,
        );
        functions.set(name, fn);
        functionsByArn.set(arn, fn);
        set(name, { Arn: arn });
        break;
      }
      case 'AWS::Lambda::EventSourceMapping': {
        const queueArn = String(props.EventSourceArn);
        const queueUrl = queueUrls.get(queueArn);
        const fn = functionsByArn.get(String(props.FunctionName)) ?? functions.get(String(props.FunctionName));
        if (!queueUrl || !fn) {
          skipped.push({
            logicalId,
            type: resource.Type,
            reason: `only SQS queues of this stack are polled locally (${queueArn})`,
          });
          set(logicalId);
          break;
        }
        const responseTypes = (props.FunctionResponseTypes ?? []) as string[];
        const mapping = new SqsMapping(
          {
            queueUrl,
            queueArn,
            region,
            batchSize: Number(props.BatchSize ?? 10),
            batchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
            maximumConcurrency: Number((props.ScalingConfig as Props | undefined)?.MaximumConcurrency ?? 1),
            duplicateDelivery: options.faults?.duplicateDelivery === true,
          },
          c.sqs,
          fn,
          { onError: options.onMappingError },
        );
        if (props.Enabled !== false) mappings.push(mapping);
        set(logicalId);
        break;
      }
      default: {
        const reason = NOT_NEEDED[resource.Type];
        skipped.push({ logicalId, type: resource.Type, reason: reason ?? 'not emulated by the local cloud' });
        if (resource.Type === 'AWS::Lambda::Version') {
          // Ref of a version is its qualified ARN; locally every version is $LATEST.
          const fn = String(props.FunctionName);
          set(`${fn.startsWith('arn:') ? fn : `arn:aws:lambda:${region}:${account}:function:${fn}`}:$LATEST`, {
            Version: '$LATEST',
          });
          break;
        }
        const name = (props.RoleName ?? props.LogGroupName ?? props.PolicyName ?? logicalId) as string;
        set(
          name,
          resource.Type === 'AWS::IAM::Role'
            ? { Arn: `arn:aws:iam::${account}:role/${name}` }
            : { Arn: `arn:aws:local:${region}:${account}:${logicalId}` },
        );
      }
    }
  }

  const outputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !condition(template, output.Condition, scope)) continue;
    outputs[key] = String(resolveValue(output.Value, scope, template));
  }
  for (const mapping of mappings) mapping.start();
  await writeFile(
    join(options.dataDir, 'stack.json'),
    JSON.stringify({ stackName: options.stackName, outputs, skipped }, null, 2),
  );

  return {
    stackName: options.stackName,
    resources: resolved,
    outputs,
    functions,
    mappings,
    notifications,
    skipped,
    stop: async () => {
      await Promise.all(mappings.map((m) => m.stop()));
      await Promise.all([...functions.values()].map((f) => f.stop()));
    },
  };
}

function ignore(...names: string[]) {
  return (error: unknown) => {
    if (!names.includes((error as Error).name)) throw error;
  };
}

async function createTable(c: EdgeClients, name: string, props: Props): Promise<void> {
  const exists = await c.dynamodb.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    (error: Error) => {
      if (error.name === 'ResourceNotFoundException') return false;
      throw error;
    },
  );
  if (!exists) {
    const onDemand = props.BillingMode === 'PAY_PER_REQUEST';
    const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
    await c.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: props.KeySchema as never,
        AttributeDefinitions: props.AttributeDefinitions as never,
        ...(onDemand
          ? { BillingMode: 'PAY_PER_REQUEST' }
          : { ProvisionedThroughput: (props.ProvisionedThroughput as never) ?? throughput }),
        ...(props.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as Props[]).map((index) => ({
                ...index,
                ...(onDemand ? {} : { ProvisionedThroughput: index.ProvisionedThroughput ?? throughput }),
              })) as never,
            }
          : {}),
        ...(props.LocalSecondaryIndexes ? { LocalSecondaryIndexes: props.LocalSecondaryIndexes as never } : {}),
      }),
    );
  }
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await c.dynamodb
      .send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      )
      .catch(ignore('ValidationException'));
  }
}

function bucketNotifications(
  bucket: string,
  props: Props,
  queueUrls: ReadonlyMap<string, string>,
  functionsByArn: ReadonlyMap<string, LocalFunction>,
): BucketNotification[] {
  const config = (props.NotificationConfiguration ?? {}) as Props;
  const filterOf = (entry: Props) => {
    const rules = (((entry.Filter as Props | undefined)?.S3Key as Props | undefined)?.Rules ?? []) as {
      Name: string;
      Value: string;
    }[];
    const rule = (name: string) => rules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';
    return { prefix: rule('prefix'), suffix: rule('suffix') };
  };
  const out: BucketNotification[] = [];
  for (const entry of (config.QueueConfigurations ?? []) as Props[]) {
    const arn = String(entry.Queue);
    const url = queueUrls.get(arn);
    if (url)
      out.push({ bucket, events: [String(entry.Event)], ...filterOf(entry), target: { kind: 'queue', url, arn } });
  }
  for (const entry of (config.LambdaConfigurations ?? []) as Props[]) {
    const fn = functionsByArn.get(String(entry.Function));
    if (fn)
      out.push({
        bucket,
        events: [String(entry.Event)],
        ...filterOf(entry),
        target: { kind: 'function', name: fn.spec.name },
      });
  }
  return out;
}

async function unpack(options: DeployOptions, name: string, props: Props): Promise<string> {
  const code = (props.Code ?? {}) as Props;
  const zip = join(options.packageDir, basename(String(code.S3Key ?? `${name}.zip`)));
  const target = join(options.dataDir, 'functions', name);
  await rm(target, { recursive: true, force: true });
  const entries = unzipSync(new Uint8Array(await readFile(zip)));
  for (const [path, bytes] of Object.entries(entries)) {
    if (path.endsWith('/')) continue;
    const file = join(target, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  await writeFile(join(target, 'package.json'), '{"type": "commonjs"}');
  return target;
}

/** The function's environment as Lambda would give it, pointed at the local cloud. */
function functionEnvironment(options: DeployOptions, name: string, props: Props): Record<string, string> {
  const variables = ((props.Environment as Props | undefined)?.Variables ?? {}) as Record<string, unknown>;
  return {
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    ...options.functionEnvironment,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ENDPOINT_URL: options.edgeEndpoint,
    // The local S3 answers path-style only; shared/aws/clients.ts reads this (configuration, not a branch).
    MPX_S3_FORCE_PATH_STYLE: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
