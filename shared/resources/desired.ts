import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type {
  BatchInferenceJobConfig,
  BatchSegmentJobConfig,
  CampaignConfig,
  DatasetConfig,
  DatasetGroupConfig,
  ImportDefaults,
  ParameterFile,
  SolutionConfig,
  Tags,
} from '../config/types.js';
import type { DatasetKind } from '../personalize/recipes.js';
import type { ConfiguredSchedule } from '../schedules/from-config.js';
import type { AccountScope } from './scope.js';

/**
 * What each step of a run wants to exist: the slice of the parameter file its
 * resource is created from, plus what the planner resolved (data locations,
 * job base names, batch paths). Stored with the step, so a step never re-reads
 * the parameter file; parent ARNs arrive as `inputs` when the steps that
 * create the parents finish.
 */

type Service<T extends { serviceConfig: unknown }> = T['serviceConfig'];

export type StepDesired =
  | { readonly kind: 'datasetGroup'; readonly serviceConfig: Service<DatasetGroupConfig> }
  | { readonly kind: 'schema'; readonly serviceConfig: Service<DatasetConfig['schema']> }
  | {
      readonly kind: 'dataset';
      readonly datasetType: DatasetKind;
      readonly serviceConfig: Service<DatasetConfig['dataset']>;
    }
  | {
      readonly kind: 'datasetImportJob';
      readonly datasetType: DatasetKind;
      /** Job names are `<base>_YYYY_MM_DD_HH_MM_SS` from the step's intent time: deterministic per step. */
      readonly jobBaseName: string;
      /** `s3://bucket/train/<dsg>/<type>.csv` or the `<type>/` folder of parts. */
      readonly dataLocation: string;
      /** When the data was last written (ISO); an ACTIVE import newer than this is re-used. */
      readonly dataModifiedAt?: string;
      readonly serviceConfig: ImportDefaults;
    }
  | { readonly kind: 'eventTracker'; readonly serviceConfig: Service<NonNullable<ParameterFile['eventTracker']>> }
  | { readonly kind: 'filter'; readonly serviceConfig: Service<NonNullable<ParameterFile['filters']>[number]> }
  | { readonly kind: 'solution'; readonly serviceConfig: Omit<Service<SolutionConfig>, 'solutionVersion'> }
  | {
      readonly kind: 'solutionVersion';
      readonly solutionName: string;
      readonly trainingMode: 'FULL' | 'UPDATE';
      readonly tags?: Tags;
      /** Train even when nothing changed (a scheduled training). */
      readonly force?: boolean;
      /** The solution's maxAge: a latest version older than this is retrained. */
      readonly maxAgeSeconds?: number;
    }
  | {
      readonly kind: 'campaign';
      /** The solution whose version the campaign serves (its input `solutionVersion:<solution>`). */
      readonly solutionName?: string;
      readonly serviceConfig: Service<CampaignConfig>;
      /** The solution's promotion gate: a new version must reach minRatio × the current one's metric. */
      readonly promotion?: { readonly metric: string; readonly minRatio: number };
    }
  | {
      readonly kind: 'recommender';
      readonly serviceConfig: Service<NonNullable<ParameterFile['recommenders']>[number]>;
    }
  | {
      readonly kind: 'batchInferenceJob';
      readonly solutionName?: string;
      readonly jobBaseName: string;
      /** `s3://bucket/batch/<dsg>/<solution>/job_config.json` (or the job's own folder). */
      readonly inputPath: string;
      /** `s3://bucket/batch/<dsg>/<solution>/`; the job writes under `<job name>/`. */
      readonly outputPrefix: string;
      readonly serviceConfig: Service<BatchInferenceJobConfig>;
      /** Run a new job even when one ran on the current version (a scheduled job). */
      readonly force?: boolean;
      readonly maxAgeSeconds?: number;
    }
  | {
      readonly kind: 'batchSegmentJob';
      readonly solutionName?: string;
      readonly jobBaseName: string;
      readonly inputPath: string;
      readonly outputPrefix: string;
      readonly serviceConfig: Service<BatchSegmentJobConfig>;
      readonly force?: boolean;
      readonly maxAgeSeconds?: number;
    }
  | {
      readonly kind: 'schedules';
      readonly datasetGroup: string;
      /** Every schedule of the file, `delete` ones included. */
      readonly schedules: readonly ConfiguredSchedule[];
    }
  | { readonly kind: 'notify' };

/** The steps a Personalize driver ensures (schedules and the notification are not Personalize resources). */
export type ResourceDesired = Exclude<StepDesired, { kind: 'notify' } | { kind: 'schedules' }>;

/** What a driver needs besides its desired state. */
export interface EnsureContext {
  readonly personalize: PersonalizeClient;
  readonly scope: AccountScope;
  /** The role Personalize assumes to read `train/` and read/write `batch/` (imports, batch jobs). */
  readonly personalizeRoleArn: string;
  /** ARNs of the finished steps this one depends on, by step id (`datasetGroup`, `schema:users`, `solution:x`…). */
  readonly inputs: Readonly<Record<string, string>>;
  /** When this step first ran (recorded before any create): fixes job names, bounds the solution-version search. */
  readonly intentAt: Date;
  readonly runId: string;
}

/** The ARNs of every input produced by steps of `kind`. */
export function inputArns(inputs: Readonly<Record<string, string>>, kind: string): string[] {
  return Object.entries(inputs)
    .filter(([stepId]) => stepId === kind || stepId.startsWith(`${kind}:`))
    .map(([, arn]) => arn);
}

/**
 * The version a campaign or batch job runs on: its own solution's, by step id,
 * when the step names its solution — a step may wait for other versions too
 * (the reference policy's barriers) — else the only version input.
 */
export function versionInput(inputs: Readonly<Record<string, string>>, solutionName: string | undefined): string {
  const own = solutionName === undefined ? undefined : inputs[`solutionVersion:${solutionName}`];
  return own ?? inputArn(inputs, 'solutionVersion');
}

/** The ARN of the input produced by a step of `kind` (`datasetGroup`, `schema`, `solutionVersion`…). */
export function inputArn(inputs: Readonly<Record<string, string>>, kind: string): string {
  const entry = Object.entries(inputs).find(([stepId]) => stepId === kind || stepId.startsWith(`${kind}:`));
  if (!entry) throw new Error(`missing input: no finished ${kind} step feeds this one`);
  return entry[1];
}
