import type { Tag } from '@aws-sdk/client-personalize';
import type { ResourceKind } from './arns.js';
import { GONE, type StatusView, settlesAt, statusAt, type TimelineStep, type WorkState } from './lifecycle.js';

/**
 * What the emulator stores for each resource. Statuses are never stored:
 * they are read off `timeline` (and `work`) at the time of each request.
 */
export interface Resource {
  readonly kind: ResourceKind;
  readonly arn: string;
  /** `name`, or `jobName` for jobs. */
  readonly name: string;
  readonly datasetGroupArn?: string;
  /** The resource a list call filters by: dataset for import jobs, solution for versions and campaigns, version for batch jobs. */
  parentArn?: string;
  readonly createdAt: number;
  /** Last change made by a request (status changes count separately). */
  changedAt: number;
  timeline: TimelineStep[];
  work?: WorkState;
  /** The attributes Describe returns besides the generic ones (arn, name, status, times, failureReason). */
  attributes: Record<string, unknown>;
  tags: Tag[];
  /** The latest campaign or recommender update; its attributes apply once it is ACTIVE. */
  update?: ResourceUpdate;
  /** Emulator-only data (imported data files, model files); never returned. */
  internal?: Record<string, unknown>;
}

export interface ResourceUpdate {
  readonly attributes: Record<string, unknown>;
  readonly createdAt: number;
  readonly timeline: TimelineStep[];
}

export function view(resource: Resource, now: number): StatusView {
  return statusAt(resource.timeline, resource.work, now);
}

export function exists(resource: Resource, now: number): boolean {
  return view(resource, now).status !== GONE;
}

/** `lastUpdatedDateTime`: the later of the last request's change and the last status change. */
export function lastUpdated(resource: Resource, now: number): number {
  return Math.max(resource.changedAt, view(resource, now).since);
}

/** Whether the resource's timeline has reached its last step. */
export function settled(resource: Resource, now: number): boolean {
  const at = settlesAt(resource.timeline, resource.work);
  return at !== undefined && at <= now;
}

export function updateStatus(update: ResourceUpdate, now: number): StatusView {
  return statusAt(update.timeline, undefined, now);
}

/** The attributes in force: the base ones, with those of a completed update applied. */
export function effectiveAttributes(resource: Resource, now: number): Record<string, unknown> {
  const update = resource.update;
  if (update && updateStatus(update, now).status === 'ACTIVE') return { ...resource.attributes, ...update.attributes };
  return resource.attributes;
}

export const PENDING_STATUSES = ['CREATE PENDING', 'CREATE IN_PROGRESS', 'PENDING', 'IN PROGRESS'];

/** Epoch seconds, as AWS JSON protocols carry timestamps. */
export const epochSeconds = (ms: number): number => ms / 1000;
