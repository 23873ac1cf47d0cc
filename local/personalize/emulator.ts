import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { type Clock, systemClock } from '../clock.js';
import type { ResourceKind, Scope } from './arns.js';
import {
  DEFAULT_QUOTAS,
  DEFAULT_TRAINING_THRESHOLDS,
  type Ids,
  type Operation,
  type OperationContext,
  type Quotas,
  type TrainingThresholds,
} from './context.js';
import { PersonalizeApiError } from './errors.js';
import { createEventsHttpHandler } from './events/http.js';
import { eventsDeps } from './events-deps.js';
import type { WorkResult } from './lifecycle.js';
import { exists, type Resource } from './model.js';
import { batchJobOperations } from './operations/batch-jobs.js';
import { campaignOperations, recommenderOperations } from './operations/campaigns.js';
import { catalogOperations } from './operations/catalog.js';
import { datasetGroupOperations } from './operations/dataset-groups.js';
import { datasetOperations, schemaOperations } from './operations/datasets.js';
import { solutionOperations } from './operations/solutions.js';
import { tagOperations } from './operations/tags.js';
import { eventTrackerOperations, filterOperations } from './operations/trackers-filters.js';
import { type LatencyProfile, REALISTIC } from './profile.js';
import { ModelBackend } from './runtime/backend.js';
import { createRuntimeHttpHandler } from './runtime/http.js';
import { StateStore } from './store.js';
import { isKnownOperation, validateRequest } from './validation.js';
import { DatasetViews } from './views.js';
import { DEFAULT_WORKERS, datasetDirectory } from './work.js';

/** What a worker needs besides the resource: the state, time, S3, and where to put files. */
export interface WorkContext {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly s3: () => S3Client;
  readonly dataDir: string;
  readonly thresholds: TrainingThresholds;
  /** Aborted when the emulator closes or the work is no longer wanted (stopped, deleted). */
  readonly signal: AbortSignal;
  /** Models and filters, for batch jobs. */
  readonly models: ModelBackend;
  /** An operation context for read helpers (statuses, current dataset segments) at the current time. */
  readOnly(): OperationContext;
}

/** A worker's outcome; `apply` runs just before the result is recorded, in the same commit. */
export type WorkOutcome = WorkResult & { readonly apply?: () => void };

/** Real work behind some resources: imports read CSVs, training builds models. */
export type Worker = (resource: Resource, ctx: WorkContext) => Promise<WorkOutcome>;
export type Workers = Partial<Record<ResourceKind, Worker>>;

export interface PersonalizeEmulatorOptions {
  /** Where metadata and imported data live; a restart on the same directory resumes everything. */
  readonly dataDir: string;
  readonly profile?: LatencyProfile;
  readonly clock?: Clock;
  readonly account?: string;
  readonly region?: string;
  readonly quotas?: Partial<Quotas>;
  readonly thresholds?: Partial<TrainingThresholds>;
  /** Share of requests answered with ThrottlingException (0..1), for fault tests. */
  readonly throttleRate?: number;
  /** Seed for the throttling draw. */
  readonly seed?: number;
  /** S3 client for imports and batch jobs; default: the SDK's own configuration (AWS_ENDPOINT_URL…). */
  readonly s3?: () => S3Client;
  /** The work behind imports and trainings; default: the real work (tests may replace it). */
  readonly workers?: Workers;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  ...datasetGroupOperations,
  ...schemaOperations,
  ...datasetOperations,
  ...eventTrackerOperations,
  ...filterOperations,
  ...solutionOperations,
  ...campaignOperations,
  ...recommenderOperations,
  ...batchJobOperations,
  ...catalogOperations,
  ...tagOperations,
};

export const SUPPORTED_OPERATIONS: readonly string[] = Object.keys(OPERATIONS).sort();

/** mulberry32: a small seeded PRNG, so throttling in fault tests is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const defaultIds: Ids = { hex8: () => randomBytes(4).toString('hex'), uuid: () => randomUUID() };

/**
 * The Amazon Personalize control plane, emulated: real status sequences timed
 * by a latency profile, real imports, quotas and errors, persisted under a
 * data directory. `call` takes an operation name and its JSON input, as the
 * HTTP front end (`http.ts`) receives them from the SDK.
 */
export class PersonalizeEmulator {
  private readonly scheduled = new Map<string, { at: number; cancel: () => void }>();
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private closed = false;
  private readonly random: () => number;
  readonly clock: Clock;
  readonly profile: LatencyProfile;
  readonly quotas: Quotas;
  readonly thresholds: TrainingThresholds;
  private readonly s3: () => S3Client;

  private constructor(
    private readonly options: PersonalizeEmulatorOptions,
    readonly store: StateStore,
  ) {
    this.clock = options.clock ?? systemClock;
    this.profile = options.profile ?? REALISTIC;
    this.quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
    this.thresholds = { ...DEFAULT_TRAINING_THRESHOLDS, ...options.thresholds };
    this.random = seededRandom(options.seed ?? 1);
    let client: S3Client | undefined;
    this.s3 =
      options.s3 ??
      (() => {
        client ??= new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
        return client;
      });
  }

  /** Datasets in memory for the runtime (filters, metadata), rebuilt when data changes. */
  readonly views = new DatasetViews();
  private eventsHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  /** Trained models behind campaigns, recommenders and batch jobs. */
  readonly models = new ModelBackend(() => this.readContext(), this.views);
  private readonly runtimeHandler = createRuntimeHttpHandler(this.models);

  /** Serves the runtime API (GetRecommendations, GetPersonalizedRanking). */
  handleRuntime(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.runtimeHandler(req, res);
  }

  /** Serves the events API (PutEvents, PutItems, PutUsers…): rows are appended to the datasets at once. */
  handleEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.eventsHandler ??= createEventsHttpHandler(
      eventsDeps(
        () => this.context({}),
        this.options.dataDir,
        () => this.store.commit(),
      ),
    );
    return this.eventsHandler(req, res);
  }

  /** Loads the data directory and resumes every unfinished piece of work. */
  static async start(options: PersonalizeEmulatorOptions): Promise<PersonalizeEmulator> {
    const store = new StateStore(options.dataDir);
    await store.load();
    const emulator = new PersonalizeEmulator(options, store);
    const now = emulator.clock.now();
    for (const resource of store.resources.values()) {
      if (resource.work && !resource.work.result && exists(resource, now)) emulator.scheduleWork(resource);
    }
    return emulator;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Runs one operation. Throws PersonalizeApiError for every error the API defines. */
  async call(operation: string, input: unknown, scope: Partial<Scope> = {}): Promise<unknown> {
    if (this.closed) throw new PersonalizeApiError('InternalFailure', 'The emulator is shutting down', 503);
    // Own properties only: "toString" or "__proto__" are not operations.
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) {
      const known = isKnownOperation(operation);
      throw new PersonalizeApiError(
        'UnknownOperationException',
        known
          ? `${operation} is a Personalize operation the local emulator does not implement`
          : `Unknown operation AmazonPersonalize.${operation}`,
      );
    }
    if ((this.options.throttleRate ?? 0) > 0 && this.random() < (this.options.throttleRate ?? 0)) {
      throw new PersonalizeApiError('ThrottlingException', 'Rate exceeded');
    }
    const request = validateRequest(operation, input);
    const ctx = this.context(scope);
    const output = await handler(request, ctx);
    if (this.purgeDeleted(ctx.now)) ctx.mutated = true;
    if (ctx.mutated) await this.store.commit();
    return output;
  }

  /** Forgets resources whose deletion has completed, and removes the data files of deleted datasets. */
  private purgeDeleted(now: number): boolean {
    let purged = false;
    for (const resource of [...this.store.resources.values()]) {
      if (exists(resource, now)) continue;
      this.store.resources.delete(resource.arn);
      purged = true;
      if (resource.kind === 'dataset') {
        void rm(datasetDirectory(this.options.dataDir, resource), { recursive: true, force: true });
      }
    }
    return purged;
  }

  /** The state as of now, for read helpers (data views, tests). */
  readContext(): OperationContext {
    return this.context({});
  }

  private context(scope: Partial<Scope>): OperationContext {
    return {
      now: this.clock.now(),
      scope: {
        region: scope.region ?? this.options.region ?? 'us-east-1',
        account: scope.account ?? this.options.account ?? '000000000000',
      },
      store: this.store,
      profile: this.profile,
      quotas: this.quotas,
      thresholds: this.thresholds,
      ids: defaultIds,
      s3: this.s3,
      mutated: false,
      startWork: (resource) => this.scheduleWork(resource),
      stopWork: (resource) => this.abandonWork(resource.arn),
    };
  }

  private scheduleWork(resource: Resource): void {
    const startsAt = resource.timeline[1]?.at ?? resource.createdAt;
    this.scheduled.get(resource.arn)?.cancel();
    const cancel = this.clock.schedule(startsAt - this.clock.now(), () => {
      this.scheduled.delete(resource.arn);
      const abort = new AbortController();
      const promise = this.runWork(resource, abort.signal).finally(() => this.running.delete(resource.arn));
      this.running.set(resource.arn, { promise, abort });
    });
    this.scheduled.set(resource.arn, { at: startsAt, cancel });
  }

  private async runWork(resource: Resource, signal: AbortSignal): Promise<void> {
    const worker = (this.options.workers ?? DEFAULT_WORKERS)[resource.kind];
    if (this.closed || resource.work?.result) return;
    let outcome: WorkOutcome;
    try {
      outcome = worker ? await worker(resource, this.workContext(signal)) : { ok: true };
    } catch (error) {
      outcome = { ok: false, failureReason: `Internal error in the emulator: ${(error as Error).message}` };
    }
    // Stopped, deleted or replaced meanwhile: the result no longer matters.
    if (this.closed || this.store.resources.get(resource.arn) !== resource || resource.work?.result) return;
    outcome.apply?.();
    resource.work = {
      finishedAt: this.clock.now(),
      result: outcome.ok ? { ok: true } : { ok: false, failureReason: outcome.failureReason },
    };
    await this.store.commit();
  }

  private workContext(signal: AbortSignal): WorkContext {
    return {
      store: this.store,
      clock: this.clock,
      s3: this.s3,
      dataDir: this.options.dataDir,
      thresholds: this.thresholds,
      signal,
      models: this.models,
      readOnly: () => this.context({}),
    };
  }

  /** Aborts the running work of a resource that was stopped or deleted. */
  private abandonWork(arn: string): void {
    this.scheduled.get(arn)?.cancel();
    this.scheduled.delete(arn);
    this.running.get(arn)?.abort.abort(new Error('the work is no longer wanted'));
  }

  /** Resolves when no work is running or due to start (tests use it to wait for imports and trainings). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running.size > 0) {
        await Promise.allSettled([...this.running.values()].map((r) => r.promise));
      } else if ([...this.scheduled.values()].some((s) => s.at <= this.clock.now())) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      } else {
        return;
      }
    }
  }

  /** Stops scheduling, aborts running work and waits for it to end; state on disk stays as it is. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { cancel } of this.scheduled.values()) cancel();
    this.scheduled.clear();
    for (const run of this.running.values()) run.abort.abort(new Error('the emulator is closing'));
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }
}
