import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createEdgeHandler, escapeXml, type Handler, jsonTargetHandler, queryHandler, startEdge } from '../edge.js';
import { EventsEmulator, sendAwsJson as sendJson } from '../events.js';
import { PersonalizeEmulator } from '../personalize/emulator.js';
import { isEventsRequest } from '../personalize/events/http.js';
import { createPersonalizeHttpHandler, isControlPlaneRequest } from '../personalize/http.js';
import { type LatencyProfile, REALISTIC } from '../personalize/profile.js';
import { isRuntimeRequest } from '../personalize/runtime/http.js';
import { FunctionError, type InvocationLog, type LocalFunction } from '../runner/function.js';
import { SchedulerEmulator } from '../scheduler/emulator.js';
import { createSchedulerHttpHandler } from '../scheduler/http.js';
import { type BackingServices, startBackingServices } from '../services/index.js';
import { type RequestRecord, RequestStats, type RequestStatsSnapshot } from '../stats.js';
import { type EdgeClients, edgeClients, LOCAL_CREDENTIALS } from './clients.js';
import { type DeployedStack, deployStack, type LocalFaults } from './deployer.js';
import { packageProject } from './package.js';
import { deliverObjectCreated } from './s3-notifications.js';

/**
 * The embedded local cloud: one edge endpoint in front of the backing services
 * (S3, SQS, SNS, DynamoDB), our Personalize, Scheduler and EventBridge
 * emulators, and the project's own stack, packaged by `sls package` and
 * deployed by the local deployer. Everything persists under `dataDir`.
 */

export const DEFAULT_PORT = 4566;
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalCloudOptions {
  readonly dataDir: string;
  /** The Serverless project to deploy (default: mpx itself); `false` deploys nothing. */
  readonly projectDir?: string | false;
  readonly stage?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  readonly account?: string;
  /** Personalize latency profile (default realistic). */
  readonly profile?: LatencyProfile;
  /** Function output and local cloud notices. */
  readonly log?: (line: string) => void;
  /**
   * Variables set on every deployed function over the template's. Without it,
   * MPX_POLL_SCALE follows the profile's speed-up, so the pipeline polls a
   * 600× faster Personalize 600× more often.
   */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Faults injected on purpose (tests). */
  readonly faults?: LocalFaults;
  /**
   * Count requests by service and operation, Personalize Describe calls by
   * ARN and DynamoDB capacity units (`stats()`; benchmarks). Off by default:
   * measuring capacity asks dynalite for it on every item request.
   */
  readonly collectStats?: boolean;
}

/** What the deployed functions used since the last reset. */
export interface FunctionStats {
  readonly invocations: number;
  /** Handler milliseconds, each invocation rounded up to 1 ms (Lambda's billing). */
  readonly billedMs: number;
  readonly memoryMb: number;
  /** Init milliseconds of each cold start. */
  readonly coldStartsMs: readonly number[];
}

/** An SQS event source mapping's polling since the last reset. */
export interface PollerStats {
  readonly receives: number;
  readonly emptyReceives: number;
  readonly batches: number;
}

export interface LocalCloudStats extends RequestStatsSnapshot {
  /** Whether requests are counted (`collectStats`); the counters below always are. */
  readonly collecting: boolean;
  readonly functions: Readonly<Record<string, FunctionStats>>;
  /** By queue name. */
  readonly pollers: Readonly<Record<string, PollerStats>>;
  /** Events the Scheduler emulator delivered to a target. */
  readonly schedulerInvocations: number;
}

export interface LocalCloud {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly stack: DeployedStack | undefined;
  readonly personalize: PersonalizeEmulator;
  readonly scheduler: SchedulerEmulator;
  readonly events: EventsEmulator;
  readonly services: BackingServices;
  readonly clients: EdgeClients;
  /** How the project was packaged: reused from `.serverless/<stage>/` or built, and seconds spent. */
  readonly packaging: { readonly reused: boolean; readonly seconds: number } | undefined;
  /** Request statistics since the start or the last `resetStats()` (requests only with `collectStats`). */
  stats(): LocalCloudStats;
  resetStats(): void;
  /** Calls `listener` with every request the edge answers (with `collectStats`); returns the unsubscribe function. */
  onRequest(listener: (record: RequestRecord) => void): () => void;
  stop(): Promise<void>;
}

/** How much faster than AWS the profile runs Personalize, as a poll-delay factor in [1e-4, 1]. */
export function pollScaleFor(profile: LatencyProfile): number {
  const total = ([pending, inProgress]: readonly [number, number]) => pending + inProgress;
  const ratio = total(profile.solutionVersion) / total(REALISTIC.solutionVersion);
  return Math.min(1, Math.max(1e-4, ratio));
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const stage = options.stage ?? 'local';
  const log = options.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });

  // The edge listens first: queue URLs and clients need its address; routes fill in as services start.
  const routes: Record<string, Handler> = {};
  const requestStats = options.collectStats ? new RequestStats() : undefined;
  const edge = await startEdge(
    createEdgeHandler({
      services: routes,
      ...(requestStats ? { observe: (record: RequestRecord) => requestStats.record(record) } : {}),
    }),
    options.port ?? DEFAULT_PORT,
    options.host,
  );
  const endpoint = edge.endpoint;
  const stops: (() => Promise<void>)[] = [() => edge.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log(`stopping: ${(error as Error).message}`));
  };
  try {
    return await assemble();
  } catch (error) {
    await stopAll();
    throw error;
  }

  async function assemble(): Promise<LocalCloud> {
    let stack: DeployedStack | undefined;
    let deployed: () => void = () => undefined;
    const ready = new Promise<void>((done) => {
      deployed = done;
    });
    const clients = edgeClients(endpoint, region);
    stops.push(async () => clients.destroy());

    const services = await startBackingServices({
      dataDir: join(dataDir, 'services'),
      region,
      account,
      endpoint,
      onError: (error) => log(`local services: ${(error as Error).message}`),
    });
    stops.push(() => services.stop());
    if (requestStats)
      services.observeDynamoCapacity((operation, read, write) => requestStats.dynamodbCapacity(operation, read, write));

    // Imports read S3 through the edge like any client.
    const personalizeS3 = new S3Client({ endpoint, region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    stops.push(async () => personalizeS3.destroy());
    const personalize = await PersonalizeEmulator.start({
      dataDir: join(dataDir, 'personalize'),
      profile: options.profile ?? REALISTIC,
      region,
      account,
      s3: () => personalizeS3,
    });
    stops.push(() => personalize.close());

    const events = await EventsEmulator.start(join(dataDir, 'events'), region, account);
    let schedulerInvocations = 0;
    const scheduler = await SchedulerEmulator.start({
      dataDir: join(dataDir, 'scheduler'),
      region,
      account,
      deliver: async (delivery) => {
        schedulerInvocations += 1;
        await ready;
        await deliverScheduled(
          delivery.destinationArn,
          delivery.input ?? '{}',
          delivery.target.SqsParameters?.MessageGroupId,
        );
      },
      onDropped: (delivery, error) =>
        log(`schedule ${delivery.scheduleName}: event dropped: ${(error as Error).message}`),
    });
    stops.push(() => scheduler.close());

    async function deliverScheduled(arn: string, input: string, group: string | undefined): Promise<void> {
      const [, , service, , , resource] = arn.split(':');
      if (service === 'sqs') {
        const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: resource }));
        await clients.sqs.send(
          new SendMessageCommand({ QueueUrl, MessageBody: input, ...(group ? { MessageGroupId: group } : {}) }),
        );
      } else if (service === 'lambda') {
        const fn = stack?.functions.get(arn.split(':').pop() as string);
        if (!fn) throw new Error(`no local function ${arn}`);
        await fn.invoke(JSON.parse(input));
      } else {
        throw new Error(`the local Scheduler cannot deliver to ${arn}`);
      }
    }

    const metricsFile = join(dataDir, 'metrics.jsonl');
    const personalizeHandler = createPersonalizeHttpHandler(
      personalize,
      requestStats ? (operation, input) => requestStats.personalizeCall(operation, input) : undefined,
    );
    Object.assign(routes, {
      s3: (req, res) => services.handle('s3', req, res),
      sqs: (req, res) => services.handle('sqs', req, res),
      sns: (req, res) => services.handle('sns', req, res),
      dynamodb: (req, res) => services.handle('dynamodb', req, res),
      scheduler: createSchedulerHttpHandler(scheduler),
      personalize: async (req, res) => {
        if (isControlPlaneRequest(req) || isEventsRequest(req) || isRuntimeRequest(req))
          return personalizeHandler(req, res);
        for await (const _ of req) {
          // The runtime and events APIs come with real models.
        }
        sendJson(
          res,
          404,
          {
            __type: 'ResourceNotFoundException',
            message: `The local Personalize does not serve ${req.method} ${req.url} yet`,
          },
          'application/json',
        );
      },
      events: jsonTargetHandler(
        'AWSEvents.',
        (operation, input) => events.handle(operation, input),
        'application/x-amz-json-1.1',
      ),
      monitoring: jsonTargetHandler(
        'GraniteServiceVersion20100801.',
        async (operation, input) => {
          if (operation !== 'PutMetricData') {
            return {
              status: 400,
              body: {
                __type: 'UnknownOperationException',
                message: `The local cloud does not emulate CloudWatch ${operation}`,
              },
            };
          }
          await appendFile(metricsFile, `${JSON.stringify({ at: new Date().toISOString(), ...input })}\n`);
          return { status: 200, body: {} };
        },
        'application/x-amz-json-1.0',
      ),
      cloudformation: queryHandler('http://cloudformation.amazonaws.com/doc/2010-05-15/', (action, params) =>
        describeStacks(action, params, stack, region, account),
      ),
      sts: queryHandler('https://sts.amazonaws.com/doc/2011-06-15/', (action) =>
        action === 'GetCallerIdentity'
          ? `<Arn>arn:aws:iam::${account}:root</Arn><UserId>${account}</UserId><Account>${account}</Account>`
          : { code: 'InvalidAction', message: `The local cloud does not emulate STS ${action}` },
      ),
    } satisfies Record<string, Handler>);

    const unsubscribe = services.onObjectCreated(async (object) => {
      if (!stack) return;
      await deliverObjectCreated(object, stack.notifications, {
        sqs: clients.sqs,
        functions: stack.functions,
        region,
        onError: (error) => log(`S3 notification failed: ${(error as Error).message}`),
        duplicate: options.faults?.duplicateDelivery === true,
      });
    });
    stops.push(async () => unsubscribe());

    let packaging: LocalCloud['packaging'];
    const projectDir = options.projectDir === undefined ? REPO_ROOT : options.projectDir;
    if (projectDir !== false) {
      const packaged = await packageProject(projectDir, stage);
      packaging = { reused: packaged.reused, seconds: packaged.seconds };
      stack = await deployStack({
        packageDir: packaged.dir,
        dataDir,
        stackName: `${await serviceNameOf(projectDir)}-${stage}`,
        region,
        account,
        edgeEndpoint: endpoint,
        clients,
        events,
        log: (entry: InvocationLog) => {
          for (const line of entry.text.split('\n')) if (line.trim() !== '') log(`[${entry.functionName}] ${line}`);
        },
        ...(options.faults ? { faults: options.faults } : {}),
        functionEnvironment: {
          MPX_POLL_SCALE: String(pollScaleFor(options.profile ?? REALISTIC)),
          ...options.functionEnvironment,
        },
        onMappingError: (error) => {
          // The function's own stack, source-mapped to its TypeScript by the worker.
          const stack = error instanceof FunctionError ? error.remoteStack : (error as Error).stack;
          log(`event source mapping: ${stack ?? (error as Error).message}`);
        },
      });
      stops.push(() => (stack as DeployedStack).stop());
      for (const skipped of stack.skipped) {
        if (skipped.reason === 'not emulated by the local cloud')
          log(`skipped ${skipped.logicalId} (${skipped.type}): ${skipped.reason}`);
      }
    }
    deployed();

    const counters = () => {
      const functions = [...(stack?.functions ?? new Map<string, LocalFunction>())].map(
        ([name, fn]) =>
          [name, { invocations: fn.invocations, billedMs: fn.billedMs, coldStarts: fn.coldStarts.length }] as const,
      );
      const pollers = (stack?.mappings ?? []).map(
        (m) =>
          [
            m.spec.queueArn.split(':').pop() as string,
            { receives: m.receives, emptyReceives: m.emptyReceives, batches: m.batches },
          ] as const,
      );
      return { functions: new Map(functions), pollers: new Map(pollers), schedulerInvocations };
    };
    let baseline = counters();
    let since = new Date();
    const stats = (): LocalCloudStats => {
      const now = counters();
      const functions = Object.fromEntries(
        [...(stack?.functions ?? new Map<string, LocalFunction>())].map(([name, fn]) => {
          const before = baseline.functions.get(name) ?? { invocations: 0, billedMs: 0, coldStarts: 0 };
          return [
            name,
            {
              invocations: fn.invocations - before.invocations,
              billedMs: fn.billedMs - before.billedMs,
              memoryMb: fn.spec.memoryMb,
              coldStartsMs: fn.coldStarts.slice(before.coldStarts),
            },
          ];
        }),
      );
      const pollers = Object.fromEntries(
        [...now.pollers].map(([queue, counts]) => {
          const before = baseline.pollers.get(queue) ?? { receives: 0, emptyReceives: 0, batches: 0 };
          return [
            queue,
            {
              receives: counts.receives - before.receives,
              emptyReceives: counts.emptyReceives - before.emptyReceives,
              batches: counts.batches - before.batches,
            },
          ];
        }),
      );
      const requests = requestStats?.snapshot() ?? {
        since: since.toISOString(),
        requests: {},
        describes: {},
        dynamodbCapacity: {},
      };
      return {
        ...requests,
        collecting: requestStats !== undefined,
        functions,
        pollers,
        schedulerInvocations: now.schedulerInvocations - baseline.schedulerInvocations,
      };
    };

    return {
      endpoint,
      port: edge.port,
      region,
      outputs: stack?.outputs ?? {},
      stack,
      personalize,
      scheduler,
      events,
      services,
      clients,
      packaging,
      stats,
      resetStats: () => {
        requestStats?.reset();
        baseline = counters();
        since = new Date();
      },
      onRequest: (listener) => requestStats?.onRequest(listener) ?? (() => undefined),
      stop: stopAll,
    };
  }
}

function describeStacks(
  action: string,
  params: URLSearchParams,
  stack: DeployedStack | undefined,
  region: string,
  account: string,
): string | { code: string; message: string } {
  if (action !== 'DescribeStacks')
    return { code: 'InvalidAction', message: `The local cloud does not emulate CloudFormation ${action}` };
  const name = params.get('StackName');
  if (!stack || (name && name !== stack.stackName && !name.includes(`/${stack.stackName}/`))) {
    return { code: 'ValidationError', message: `Stack with id ${name ?? ''} does not exist` };
  }
  const outputs = Object.entries(stack.outputs)
    .map(
      ([k, v]) => `<member><OutputKey>${escapeXml(k)}</OutputKey><OutputValue>${escapeXml(v)}</OutputValue></member>`,
    )
    .join('');
  return `<Stacks><member><StackName>${stack.stackName}</StackName><StackId>arn:aws:cloudformation:${region}:${account}:stack/${stack.stackName}/local</StackId><CreationTime>${new Date().toISOString()}</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs></member></Stacks>`;
}

async function serviceNameOf(projectDir: string): Promise<string> {
  const text = await readFile(join(projectDir, 'serverless.yml'), 'utf8');
  const match = /^service:\s*([\w-]+)/m.exec(text);
  if (!match) throw new Error(`${projectDir}/serverless.yml has no service name`);
  return match[1] as string;
}
