import type { Tag } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import { arnOf, type ResourceKind, type Scope } from './arns.js';
import { inUse, invalidInput, notFound, PersonalizeApiError } from './errors.js';
import { KINDS } from './kinds.js';
import { GONE, phases, type TimelineStep } from './lifecycle.js';
import { exists, type Resource, view } from './model.js';
import type { LatencyProfile } from './profile.js';
import type { StateStore } from './store.js';

/** Account quotas the emulator enforces (PERSONALIZE.md "Quotas"); all configurable. */
export interface Quotas {
  readonly activeDatasetGroups: number;
  readonly schemas: number;
  readonly pendingImportJobs: number;
  readonly pendingSolutionVersions: number;
  readonly pendingBatchInferenceJobs: number;
  readonly pendingBatchSegmentJobs: number;
  readonly solutionsPerDatasetGroup: number;
  readonly campaignsPerDatasetGroup: number;
  readonly recommendersPerDatasetGroup: number;
  readonly filtersPerDatasetGroup: number;
  readonly tagsPerResource: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  activeDatasetGroups: 5,
  schemas: 500,
  pendingImportJobs: 5,
  pendingSolutionVersions: 20,
  pendingBatchInferenceJobs: 5,
  pendingBatchSegmentJobs: 5,
  solutionsPerDatasetGroup: 10,
  campaignsPerDatasetGroup: 5,
  recommendersPerDatasetGroup: 5,
  filtersPerDatasetGroup: 30,
  tagsPerResource: 50,
};

/** Thresholds of Personalize's training-time data checks (PERSONALIZE.md "Data"). */
export interface TrainingThresholds {
  readonly minInteractions: number;
  readonly minUsersWithTwoInteractions: number;
}

export const DEFAULT_TRAINING_THRESHOLDS: TrainingThresholds = {
  minInteractions: 1000,
  minUsersWithTwoInteractions: 25,
};

export interface Ids {
  hex8(): string;
  uuid(): string;
}

/** What every operation sees: the request's time and scope, the state, and the services around it. */
export interface OperationContext {
  readonly now: number;
  readonly scope: Scope;
  readonly store: StateStore;
  readonly profile: LatencyProfile;
  readonly quotas: Quotas;
  readonly thresholds: TrainingThresholds;
  readonly ids: Ids;
  readonly s3: () => S3Client;
  /** Set by operations that change state, so the request commits before it answers. */
  mutated: boolean;
  /** Schedules the resource's work (import, training…) for when it enters IN_PROGRESS. */
  startWork(resource: Resource): void;
  /** Abandons the resource's work (it was stopped or deleted). */
  stopWork(resource: Resource): void;
}

export type Operation = (input: Record<string, unknown>, ctx: OperationContext) => Promise<unknown> | unknown;

/** The region an ARN names (`arn:aws:personalize:<region>:…`). */
const regionOfArn = (arn: string): string | undefined => arn.split(':')[3];

/** Every live (not deleted) resource of a kind in the request's region, newest first (names, lists and quotas are per region). */
export function live(ctx: OperationContext, kind: ResourceKind): Resource[] {
  const out: Resource[] = [];
  for (const resource of ctx.store.resources.values()) {
    if (resource.kind === kind && regionOfArn(resource.arn) === ctx.scope.region && exists(resource, ctx.now))
      out.push(resource);
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.arn < b.arn ? -1 : 1));
}

export function statusOf(resource: Resource, ctx: OperationContext): string {
  return view(resource, ctx.now).status;
}

/** The live resource with this ARN, of one of these kinds. Throws ResourceNotFoundException. */
export function find(ctx: OperationContext, arn: unknown, ...kinds: ResourceKind[]): Resource {
  const resource = typeof arn === 'string' ? ctx.store.resources.get(arn) : undefined;
  if (!resource || !kinds.includes(resource.kind) || !exists(resource, ctx.now)) {
    const label = kinds.map((k) => KINDS[k].label).join(' or ');
    throw notFound(`Could not find the ${label} with ARN ${String(arn)}`);
  }
  return resource;
}

/** Throws ResourceInUseException unless the resource is in one of `statuses`. */
export function requireStatus(
  ctx: OperationContext,
  resource: Resource,
  statuses: readonly string[],
  action: string,
): void {
  const status = statusOf(resource, ctx);
  if (!statuses.includes(status)) {
    throw inUse(
      `The ${KINDS[resource.kind].label} ${resource.arn} is ${status}; ${action} needs it to be ${statuses.join(' or ')}`,
    );
  }
}

/** Throws ResourceAlreadyExistsException when a live resource already has the ARN. */
export function requireNew(ctx: OperationContext, kind: ResourceKind, arn: string, name: string): void {
  const existing = ctx.store.resources.get(arn);
  if (existing && exists(existing, ctx.now)) {
    throw new PersonalizeApiError(
      'ResourceAlreadyExistsException',
      `A ${KINDS[kind].label} named ${name} already exists: ${arn}`,
    );
  }
}

export function checkTags(ctx: OperationContext, tags: unknown): Tag[] {
  const list = (tags ?? []) as Tag[];
  if (list.length > ctx.quotas.tagsPerResource) {
    throw new PersonalizeApiError(
      'TooManyTagsException',
      `A resource can have at most ${ctx.quotas.tagsPerResource} tags`,
    );
  }
  for (const tag of list) {
    if (!tag.tagKey || tag.tagKey.length > 128 || (tag.tagValue ?? '').length > 256 || tag.tagKey.startsWith('aws:')) {
      throw invalidInput(
        `Invalid tag ${JSON.stringify(tag)}: keys are 1-128 characters and may not start with aws:, values 0-256`,
      );
    }
  }
  return list;
}

export interface NewResource {
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn?: string;
  readonly parentArn?: string;
  readonly timeline: TimelineStep[];
  readonly attributes: Record<string, unknown>;
  readonly tags?: unknown;
  readonly internal?: Record<string, unknown>;
  readonly work?: boolean;
}

/** Stores a new resource (replacing a deleted one with the same ARN) and starts its work if it has any. */
export function create(ctx: OperationContext, spec: NewResource): Resource {
  const resource: Resource = {
    kind: spec.kind,
    arn: spec.arn,
    name: spec.name,
    ...(spec.datasetGroupArn ? { datasetGroupArn: spec.datasetGroupArn } : {}),
    ...(spec.parentArn ? { parentArn: spec.parentArn } : {}),
    createdAt: ctx.now,
    changedAt: ctx.now,
    timeline: spec.timeline,
    attributes: spec.attributes,
    tags: checkTags(ctx, spec.tags),
    ...(spec.internal ? { internal: spec.internal } : {}),
    ...(spec.work ? { work: {} } : {}),
  };
  ctx.store.resources.set(resource.arn, resource);
  ctx.mutated = true;
  if (spec.work) ctx.startWork(resource);
  return resource;
}

/** The usual create timeline: CREATE PENDING → CREATE IN_PROGRESS → ACTIVE. */
export function createTimeline(ctx: OperationContext, phase: keyof LatencyProfile, work = false): TimelineStep[] {
  return phases(
    ctx.now,
    ctx.profile[phase],
    ['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE'],
    work ? { failedStatus: 'CREATE FAILED' } : undefined,
  );
}

/** What goes with a resource when it is deleted: a solution's versions, a dataset's import jobs. */
const DELETED_WITH: Partial<Record<ResourceKind, ResourceKind>> = {
  solution: 'solutionVersion',
  dataset: 'datasetImportJob',
};

/** Starts deleting: DELETE PENDING → DELETE IN_PROGRESS → gone (with the resources that belong to it). */
export function startDelete(ctx: OperationContext, resource: Resource): void {
  const dependent = DELETED_WITH[resource.kind];
  if (dependent)
    for (const child of live(ctx, dependent).filter((r) => r.parentArn === resource.arn)) startDelete(ctx, child);
  const steps = phases(ctx.now, ctx.profile.delete, ['DELETE PENDING', 'DELETE IN_PROGRESS', GONE]);
  resource.timeline = [...resource.timeline.filter((s) => s.at <= ctx.now && !s.afterWork), ...steps];
  if (resource.work && !resource.work.result) {
    resource.work = { finishedAt: ctx.now, result: { ok: true } };
    ctx.stopWork(resource);
  }
  resource.changedAt = ctx.now;
  ctx.mutated = true;
}

export function arn(ctx: OperationContext, kind: ResourceKind, path: string): string {
  return arnOf(ctx.scope, kind, path);
}

/** Opaque page tokens: the offset, base64-encoded with a marker so foreign tokens are refused. */
export function paginate<T>(items: readonly T[], input: Record<string, unknown>): { page: T[]; nextToken?: string } {
  const max = typeof input.maxResults === 'number' ? input.maxResults : 100;
  let offset = 0;
  if (typeof input.nextToken === 'string') {
    const decoded = /^mpx:(\d+)$/.exec(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
    if (!decoded) throw new PersonalizeApiError('InvalidNextTokenException', 'The next token is not valid');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return next < items.length ? { page, nextToken: Buffer.from(`mpx:${next}`).toString('base64url') } : { page };
}

/** Throws InvalidInputException with `message` when `condition` holds. */
export function invalidInputIf(condition: boolean, message: string): void {
  if (condition) throw invalidInput(message);
}
