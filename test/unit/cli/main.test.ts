import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgram, main } from '../../../cli/main.js';

/**
 * The mpx entry point with its argv parser: every command's help, the global
 * --region and --endpoint, the stage's default, and the exit code of a stack
 * that cannot be found — with CloudFormation faked, nothing else.
 */

const cloudFormation = mockClient(CloudFormationClient);
const scheduler = mockClient(SchedulerClient);

async function mpx(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'mpx', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const saved = { ...process.env };
beforeEach(() => {
  cloudFormation.reset();
  scheduler.reset();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_REGION;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
afterEach(() => {
  process.env = { ...saved };
});

/** Every command of the tree as typed after `mpx` (the root as []). */
function commandPaths(command: Command, path: string[] = []): string[][] {
  return [path, ...command.commands.flatMap((sub) => commandPaths(sub, [...path, sub.name()]))];
}

describe('--help', () => {
  const paths = commandPaths(createProgram({ out: () => {}, err: () => {} }, () => {}));

  it('covers the whole tree', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['', 'validate', 'local generate-data', 'stack outputs', 'runs show', 'schedules pause']),
    );
  });

  it.each(paths.map((path) => [`mpx ${path.join(' ')}`.trim(), path] as const))(
    '%s --help shows its exit codes and examples',
    async (_, path) => {
      const help = await mpx(...path, '--help');
      expect(help.code).toBe(0);
      const text = help.out.join('\n');
      expect(text).toMatch(/\nExit codes: 0 /);
      expect(text).toMatch(/\nExamples:\n {2}(npx mpx|npm run|AWS_)/);
    },
  );

  it('shows the global options under each command', async () => {
    const text = (await mpx('runs', 'list', '--help')).out.join('\n');
    expect(text).toMatch(/Global Options:\n {2}--region <region>.*\n(.*\n)* {2}--endpoint <url>/);
  });
});

describe('--region and --endpoint', () => {
  /** What the SDK reads when the stack is looked up, and the stack asked for. */
  function recordLookups() {
    const seen: { stack?: string; endpoint?: string; region?: string }[] = [];
    cloudFormation.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      seen.push({
        ...(input.StackName ? { stack: input.StackName } : {}),
        ...(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {}),
        ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      });
      const outputs = [{ OutputKey: 'RunsTableName', OutputValue: 't' }];
      return {
        Stacks: [
          { StackName: input.StackName, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: outputs },
        ],
      };
    });
    return seen;
  }

  it('apply before the command runs, before or after it, and make the stage default to local', async () => {
    const seen = recordLookups();
    const before = await mpx('--endpoint', 'http://127.0.0.1:4566', '--region', 'eu-west-1', 'stack', 'outputs');
    const after = await mpx('stack', 'outputs', '--json', '--region', 'eu-west-1', '--endpoint', 'http://[::1]:9');
    expect(before).toEqual({ code: 0, out: ['RunsTableName=t'], err: [] });
    expect(after).toEqual({ code: 0, out: ['{"RunsTableName":"t"}'], err: [] });
    expect(seen).toEqual([
      { stack: 'mpx-local', endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' },
      { stack: 'mpx-local', endpoint: 'http://[::1]:9', region: 'eu-west-1' },
    ]);
    // The environment is put back when the command ends.
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
    expect(process.env.AWS_REGION).toBeUndefined();
  });

  it('stage: dev without an endpoint, local with AWS_ENDPOINT_URL, and --stage wins', async () => {
    const seen = recordLookups();
    await mpx('stack', 'outputs', '--region', 'us-west-2');
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    await mpx('stack', 'outputs');
    await mpx('--endpoint', 'http://127.0.0.1:4566', 'stack', 'outputs', '--stage', 'prod');
    expect(seen.map((s) => s.stack)).toEqual(['mpx-dev', 'mpx-local', 'mpx-prod']);
    expect(seen[0]).toEqual({ stack: 'mpx-dev', region: 'us-west-2' });
  });

  it('--endpoint must be an http(s) URL: exit 2, nothing asked', async () => {
    for (const endpoint of ['127.0.0.1:4566', 'ftp://host', 'not a url']) {
      const result = await mpx('--endpoint', endpoint, 'stack', 'outputs');
      expect(result.code).toBe(2);
      expect(result.err[0]).toMatch(/--endpoint <url>' argument .* is invalid\. expected an http\(s\) URL/);
    }
    expect(cloudFormation.calls()).toHaveLength(0);
  });
});

describe('no stack', () => {
  beforeEach(() => {
    const missing = Object.assign(new Error('Stack with id mpx-nope does not exist'), { name: 'ValidationError' });
    cloudFormation.on(DescribeStacksCommand).rejects(missing);
  });

  it.each([
    ['stack outputs', ['stack', 'outputs']],
    ['runs list', ['runs', 'list']],
    ['runs show', ['runs', 'show', 'r1']],
    ['runs watch', ['runs', 'watch', 'r1']],
    ['schedules list', ['schedules', 'list']],
    ['schedules pause', ['schedules', 'pause', 'shop.import']],
  ])('mpx %s exits 3 with one line saying what to pass', async (command, args) => {
    const result = await mpx(...args, '--stage', 'nope');
    expect(result).toMatchObject({ code: 3, out: [] });
    expect(result.err).toEqual([
      `mpx ${command}: no stack mpx-nope found (Stack with id mpx-nope does not exist); pass --stage <stage> (default: local with --endpoint or AWS_ENDPOINT_URL, else dev) and --region <region>; for the local cloud run npx mpx local up and pass --endpoint http://127.0.0.1:4566`,
    ]);
  });

  it('a stack without the output a command needs is no stack for it either', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'mpx-dev', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    const result = await mpx('schedules', 'list');
    expect(result.code).toBe(3);
    expect(result.err[0]).toMatch(/^mpx schedules list: the stack mpx-dev has no ScheduleGroupName output/);
  });
});

describe('schedules, bad input', () => {
  it.each([
    ['pause', 'shop/import'],
    ['describe', 'x'.repeat(65)],
    ['delete', 'shop import'],
  ])('%s %j exits 2 before asking anything', async (command, name) => {
    const result = await mpx('schedules', command, name, '--group', 'g');
    expect(result).toMatchObject({ code: 2, out: [] });
    expect(result.err).toEqual([
      `mpx schedules ${command}: schedule name ${JSON.stringify(name)} cannot be a Scheduler name (1 to 64 letters, digits, -, _ or .; mpx schedules list shows the names)`,
    ]);
    expect(scheduler.commandCalls(GetScheduleCommand)).toHaveLength(0);
  });

  it('a --dataset-group that cannot be a name exits 2', async () => {
    const result = await mpx('schedules', 'list', '--dataset-group', 'a/b', '--group', 'g');
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^mpx schedules list: --dataset-group "a\/b" must match/);
  });
});
