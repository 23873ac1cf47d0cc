/**
 * EventBridge state-change events in the deprecated solution's format, which
 * users' rules already match: source `solutions.aws.personalize`, detail-type
 * `Personalize <Resource Type> State Change`, detail `{Arn, Status, Duration}`.
 */

export const EVENT_SOURCE = 'solutions.aws.personalize';

export type EventStatus = 'CREATING' | 'UPDATING' | 'ACTIVE';

/** Resource kinds as the deprecated solution named them in detail-types. */
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  datasetGroup: 'Dataset Group',
  schema: 'Schema',
  dataset: 'Dataset',
  datasetImportJob: 'Dataset Import Job',
  eventTracker: 'Event Tracker',
  filter: 'Filter',
  solution: 'Solution',
  solutionVersion: 'Solution Version',
  campaign: 'Campaign',
  recommender: 'Recommender',
  batchInferenceJob: 'Batch Inference Job',
  batchSegmentJob: 'Batch Segment Job',
};

export interface StateChangeEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Resources: string[];
}

/** A PutEvents entry for a resource's state change; `durationMs` is how long it took to get there. */
export function stateChangeEntry(
  kind: string,
  arn: string,
  status: EventStatus,
  durationMs: number,
  eventBusName: string,
): StateChangeEntry {
  const type = RESOURCE_TYPES[kind];
  if (!type) throw new RangeError(`no state-change event for resource kind ${kind}`);
  return {
    Source: EVENT_SOURCE,
    DetailType: `Personalize ${type} State Change`,
    Detail: JSON.stringify({ Arn: arn, Status: status, Duration: Math.round(durationMs) }),
    EventBusName: eventBusName,
    Resources: [arn],
  };
}
