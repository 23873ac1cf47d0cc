import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../../shared/env.js';

type Template = {
  // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is untyped JSON
  Resources: Record<string, { Type: string; Properties: any; DependsOn?: unknown }>;
  Outputs: Record<string, unknown>;
};

const root = fileURLToPath(new URL('../../../', import.meta.url));
let template: Template;
let packageDir: string;

/** Actions AWS authorizes only on Resource "*", with why. */
const RESOURCE_STAR_ALLOWED = new Set([
  // Amazon Personalize's List actions define no resource types (Service Authorization Reference).
  'personalize:ListDatasets',
  'personalize:ListDatasetImportJobs',
  'personalize:ListEventTrackers',
  'personalize:ListSolutionVersions',
  'personalize:ListBatchInferenceJobs',
  'personalize:ListBatchSegmentJobs',
  // EventBridge Scheduler's ListSchedules defines no resource type either.
  'scheduler:ListSchedules',
]);

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** Every IAM policy statement in the template, with the resource it belongs to. */
function statements(): {
  owner: string;
  statement: { Effect: string; Action: string | string[]; Resource: unknown };
}[] {
  const out: ReturnType<typeof statements> = [];
  for (const [owner, resource] of Object.entries(template.Resources)) {
    const docs =
      resource.Type === 'AWS::IAM::Role'
        ? (resource.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)
        : resource.Type === 'AWS::IAM::Policy'
          ? [resource.Properties.PolicyDocument]
          : [];
    for (const doc of docs)
      for (const statement of doc.Statement) {
        // A conditional statement (`Fn::If`) counts with every branch that is a statement.
        const branches = statement['Fn::If'] ? statement['Fn::If'].slice(1) : [statement];
        for (const branch of branches) if (branch.Effect) out.push({ owner, statement: branch });
      }
  }
  return out;
}

beforeAll(async () => {
  packageDir = await mkdtemp(join(tmpdir(), 'mpx-package-'));
  // Offline, with no AWS credentials at all.
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: 'mpx-none',
    MPX_ESBUILD_WORK_FOLDER: '.esbuild-test',
  };
  await promisify(execFile)(
    join(root, 'node_modules/.bin/sls'),
    ['package', '--stage', 'test', '--package', packageDir],
    {
      cwd: root,
      env,
    },
  );
  template = JSON.parse(await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 180_000);

describe('the packaged CloudFormation template', () => {
  it('bundles each function for nodejs22.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    for (const name of ['onConfigUpload', 'startRun', 'runStep', 'finishRun'])
      expect(existsSync(join(packageDir, `${name}.zip`)), name).toBe(true);
  });

  it('gives every function a role of its own', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, fn]) => JSON.stringify(fn.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('lets only Personalize of this account assume its data role, and passes it only to Personalize', () => {
    const trust = template.Resources.PersonalizeRole?.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'personalize.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const passRoles = statements().filter(({ statement }) =>
      ([] as string[]).concat(statement.Action).includes('iam:PassRole'),
    );
    expect(passRoles.map(({ owner }) => owner)).toEqual(['RunStepRole', 'RunStepRole']);
    const passed = passRoles.map(({ statement }) => [
      statement.Resource,
      (statement as { Condition?: { StringEquals: Record<string, string> } }).Condition?.StringEquals[
        'iam:PassedToService'
      ],
    ]);
    expect(passed).toEqual([
      [{ 'Fn::GetAtt': ['PersonalizeRole', 'Arn'] }, 'personalize.amazonaws.com'],
      [{ 'Fn::GetAtt': ['SchedulerRole', 'Arn'] }, 'scheduler.amazonaws.com'],
    ]);
  });

  it('sets only environment variables named in shared/env.ts (besides NODE_OPTIONS)', () => {
    const known = new Set<string>([...Object.values(ENV), 'NODE_OPTIONS']);
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      for (const name of Object.keys(fn.Properties.Environment.Variables)) expect(known).toContain(name);
    }
  });

  it('encrypts every bucket, blocks public access and denies plain HTTP', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.map(([id]) => id)).toEqual(expect.arrayContaining(['DataBucket', 'AccessLogBucket']));
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      if (id === 'ServerlessDeploymentBucket') continue;
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const [id, policy] of ofType('AWS::S3::BucketPolicy')) {
      const deny = policy.Properties.PolicyDocument.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
      expect(deny?.Condition, id).toEqual({ Bool: { 'aws:SecureTransport': false } });
    }
  });

  it('versions the data bucket and sends train/**.json uploads to the uploads queue', () => {
    const data = template.Resources.DataBucket?.Properties;
    expect(data.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(data.NotificationConfiguration.QueueConfigurations).toEqual([
      {
        Event: 's3:ObjectCreated:*',
        Queue: { 'Fn::GetAtt': ['UploadsQueue', 'Arn'] },
        Filter: {
          S3Key: {
            Rules: [
              { Name: 'prefix', Value: 'train/' },
              { Name: 'suffix', Value: '.json' },
            ],
          },
        },
      },
    ]);
  });

  it('lets only this account’s S3 send to the uploads queue', () => {
    const statement = template.Resources.UploadsQueuePolicy?.Properties.PolicyDocument.Statement[0];
    expect(statement.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('encrypts every queue and gives every work queue a DLQ', () => {
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled ?? queue.Properties.KmsMasterKeyId, id).toBeTruthy();
      if (!id.endsWith('DeadLetterQueue'))
        expect(queue.Properties.RedrivePolicy?.maxReceiveCount, id).toBeGreaterThan(0);
    }
  });

  it('encrypts the notification topic', () => {
    for (const [, topic] of ofType('AWS::SNS::Topic')) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('reports partial batch failures from every SQS consumer', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBeGreaterThan(0);
    for (const [, mapping] of mappings)
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('grants no IAM action "*", and Resource "*" only for actions that allow nothing narrower', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(0);
    for (const { owner, statement } of all) {
      const actions = ([] as string[]).concat(statement.Action);
      expect(
        actions.filter((a) => a === '*' || a.endsWith(':*')),
        owner,
      ).toEqual([]);
      if (statement.Resource === '*') {
        // Only where AWS allows nothing narrower: Personalize's List actions have no resource types.
        expect(
          actions.filter((a) => !RESOURCE_STAR_ALLOWED.has(a)),
          owner,
        ).toEqual([]);
      }
    }
  });

  it('exports what operators and the CLI need', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining([
        'PersonalizeBucketName',
        'SNSTopicArn',
        'EventBusArn',
        'ScheduleGroupName',
        'RunsTableName',
        'RunsQueueUrl',
        'StepsQueueUrl',
        'FinishQueueUrl',
        'UploadsQueueUrl',
      ]),
    );
  });

  it('keeps run state in one on-demand table with PITR, TTL and encryption', () => {
    const table = template.Resources.RunsTable?.Properties;
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('gives Personalize only train/ and batch/, conditioned on this account', () => {
    const statements = template.Resources.DataBucketPolicy?.Properties.PolicyDocument.Statement.filter(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'personalize.amazonaws.com',
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      for (const resource of [].concat(statement.Resource)) {
        const text = JSON.stringify(resource);
        // Objects only under train/ or batch/; the bucket itself only for listing those prefixes.
        const scoped =
          /\/(train|batch)\/\*"/.test(text) || (statement.Action === 's3:ListBucket' && statement.Condition.StringLike);
        expect(scoped, text).toBeTruthy();
      }
    }
  });
});
