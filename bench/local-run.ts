import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/cloud/clients.js';
import { type LocalCloudStats, startLocalCloud } from '../local/cloud/index.js';
import { type LatencyProfile, REALISTIC, scaledProfile } from '../local/personalize/profile.js';
import { listRuns, readRun, type StateDeps } from '../shared/state/runs.js';
import type { StepKind } from '../shared/workflow/plan.js';
import type { RunPolicy } from '../shared/workflow/policy.js';
import type { Upload } from './scenarios.js';

/**
 * Runs uploads on a fresh local cloud (mpx's packaged stack, Personalize on
 * the realistic latency profile `speed`× faster, the functions' poll delays
 * scaled to match) and measures them: every run's steps on the AWS time axis
 * (wall time × speed), and what the runs cost in requests. Counting starts
 * just before the parameter files are uploaded (the data is already there)
 * and stops once every run has ended and every function is idle. The run
 * state is read straight from dynalite, so watching adds no request.
 */

export interface MeasuredStep {
  readonly id: string;
  readonly kind: StepKind;
  readonly name: string;
  readonly status: string;
  readonly polls: number;
  /** AWS seconds from the run's start. */
  readonly start: number;
  readonly end: number;
  readonly arn?: string;
  readonly failureReason?: string;
  /** Campaigns and batch jobs: the solution version Personalize says they use. */
  readonly solutionVersionArn?: string;
}

export interface MeasuredRun {
  readonly runId: string;
  readonly datasetGroup: string;
  readonly status: string;
  /** AWS seconds from the upload of its parameter file to the run's start, and the run's own length. */
  readonly startDelay: number;
  readonly makespan: number;
  readonly steps: readonly MeasuredStep[];
}

export interface Measurement {
  readonly speed: number;
  readonly policy: RunPolicy;
  readonly runs: readonly MeasuredRun[];
  /** AWS seconds from the first run's start to the last run's end. */
  readonly makespan: number;
  readonly wallSeconds: number;
  readonly stats: LocalCloudStats;
  /** Personalize control-plane requests: milliseconds after the uploads (wall time). */
  readonly personalizeRequestTimes: readonly number[];
}

export interface MeasureOptions {
  readonly speed: number;
  readonly policy: RunPolicy;
  /** Default: the realistic profile. */
  readonly profile?: LatencyProfile;
  /** Give up after this many wall seconds. */
  readonly timeoutSeconds: number;
  readonly log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** @throws when a run does not end in time (the figures would be meaningless). */
export async function measureUploads(uploads: readonly Upload[], options: MeasureOptions): Promise<Measurement> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mpx-bench-cloud-'));
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    dataDir,
    port: 0,
    stage: 'bench',
    profile: scaledProfile(options.profile ?? REALISTIC, options.speed),
    // Explicit: the local cloud derives the poll scale from the profile's training time, which a 2-hour profile changes.
    functionEnvironment: { MPX_POLICY: options.policy, MPX_POLL_SCALE: String(1 / options.speed) },
    collectStats: true,
    log: (line) => logs.push(line),
  });
  const dynamo = new DynamoDBClient({
    endpoint: cloud.services.endpoints.dynalite,
    region: cloud.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const state: StateDeps = {
    db: DynamoDBDocumentClient.from(dynamo),
    table: cloud.outputs.RunsTableName as string,
    now: () => new Date(),
  };
  const bucket = cloud.outputs.PersonalizeBucketName as string;
  const put = (key: string, body: string | Buffer) =>
    cloud.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  try {
    for (const upload of uploads) for (const [key, body] of Object.entries(upload.files)) await put(key, body);
    const times: number[] = [];
    cloud.resetStats();
    const uploaded = Date.now();
    const stopListening = cloud.onRequest((record) => {
      if (record.service === 'personalize' && !record.operation.includes(' ')) times.push(record.at - uploaded);
    });
    await Promise.all(
      uploads.map((u) => put(`train/${u.datasetGroup}/config.json`, JSON.stringify(u.config, null, 2))),
    );
    const deadline = uploaded + options.timeoutSeconds * 1000;
    for (;;) {
      const runs = await Promise.all(uploads.map((u) => listRuns(state, u.datasetGroup)));
      if (runs.every((r) => r.length > 0 && r.every((run) => run.status === 'SUCCEEDED' || run.status === 'FAILED')))
        break;
      if (Date.now() > deadline) {
        options.log?.(logs.slice(-40).join('\n'));
        throw new Error(`runs did not end within ${options.timeoutSeconds} s: ${JSON.stringify(runs.flat())}`);
      }
      await sleep(200);
    }
    // The finisher settles the lock after the run's status: wait until no function is busy, twice.
    for (let i = 0; i < 2; i += 1) {
      await Promise.all([...(cloud.stack?.functions.values() ?? [])].map((fn) => fn.idle()));
      await sleep(300);
    }
    const stats = cloud.stats();
    stopListening();
    const wallSeconds = (Date.now() - uploaded) / 1000;
    const aws = (ms: number) => (ms / 1000) * options.speed;
    const versionOf = async (kind: StepKind, arn: string | undefined): Promise<string | undefined> => {
      const describe: Partial<Record<StepKind, [string, string, string]>> = {
        campaign: ['DescribeCampaign', 'campaignArn', 'campaign'],
        batchInferenceJob: ['DescribeBatchInferenceJob', 'batchInferenceJobArn', 'batchInferenceJob'],
        batchSegmentJob: ['DescribeBatchSegmentJob', 'batchSegmentJobArn', 'batchSegmentJob'],
      };
      const call = describe[kind];
      if (!call || !arn) return undefined;
      const output = (await cloud.personalize.call(call[0], { [call[1]]: arn }).catch(() => undefined)) as
        | Record<string, { solutionVersionArn?: string } | undefined>
        | undefined;
      return output?.[call[2]]?.solutionVersionArn;
    };
    const measured: MeasuredRun[] = [];
    for (const upload of uploads) {
      for (const summary of await listRuns(state, upload.datasetGroup)) {
        const found = await readRun(state, summary.runId);
        if (!found) continue;
        const begin = Date.parse(found.run.startedAt);
        const finish = Date.parse(found.run.finishedAt ?? found.run.startedAt);
        measured.push({
          runId: found.run.runId,
          datasetGroup: found.run.datasetGroup,
          status: found.run.status,
          startDelay: aws(begin - uploaded),
          makespan: aws(finish - begin),
          steps: await Promise.all(
            found.steps.map(async (s) => {
              const solutionVersionArn = await versionOf(s.kind, s.arn);
              return {
                id: s.stepId,
                kind: s.kind,
                name: s.name,
                status: s.status,
                polls: s.polls,
                start: aws(Date.parse(s.startedAt ?? found.run.startedAt) - begin),
                end: aws(Date.parse(s.finishedAt ?? found.run.finishedAt ?? found.run.startedAt) - begin),
                ...(s.arn ? { arn: s.arn } : {}),
                ...(s.failureReason ? { failureReason: s.failureReason } : {}),
                ...(solutionVersionArn ? { solutionVersionArn } : {}),
              };
            }),
          ),
        });
      }
    }
    const first = Math.min(...measured.map((r) => r.startDelay));
    const last = Math.max(...measured.map((r) => r.startDelay + r.makespan));
    return {
      speed: options.speed,
      policy: options.policy,
      runs: measured,
      makespan: last - first,
      wallSeconds,
      stats,
      personalizeRequestTimes: times,
    };
  } finally {
    dynamo.destroy();
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
