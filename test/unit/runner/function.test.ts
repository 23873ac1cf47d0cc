import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionError, LocalFunction } from '../../../local/runner/function.js';

let dir: string;

const BUNDLE = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.fail) throw new TypeError('bad input: ' + event.fail);
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  console.log('log line from', context.functionName);
  return { invocations, greeting: process.env.GREETING, remaining: context.getRemainingTimeInMillis() > 0, arn: context.invokedFunctionArn };
};
exports.callback = (event, context, callback) => callback(null, { echoed: event });
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpx-runner-'));
  await mkdir(join(dir, 'functions/a'), { recursive: true });
  await writeFile(join(dir, 'functions/a/handler.js'), BUNDLE);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fn(
  name: string,
  handler = 'functions/a/handler.handler',
  environment: Record<string, string> = {},
  timeoutSeconds = 2,
) {
  const logs: string[] = [];
  const local = new LocalFunction(
    {
      name,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      bundleDir: dir,
      handler,
      environment,
      timeoutSeconds,
      memoryMb: 256,
    },
    (entry) => logs.push(entry.text),
  );
  return { local, logs };
}

describe('LocalFunction', () => {
  it('starts cold once, then stays warm, with its own environment', async () => {
    const a = fn('a', undefined, { GREETING: 'hello' });
    const b = fn('b', undefined, { GREETING: 'bonjour' });
    try {
      expect(await a.local.invoke({})).toEqual({
        invocations: 1,
        greeting: 'hello',
        remaining: true,
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:a',
      });
      expect(await a.local.invoke({})).toMatchObject({ invocations: 2 });
      expect(await b.local.invoke({})).toMatchObject({ invocations: 1, greeting: 'bonjour' });
      expect(a.local.coldStarts).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(a.logs.join('')).toContain('log line from a');
    } finally {
      await a.local.stop();
      await b.local.stop();
    }
  });

  it('reports a thrown error with its type and message', async () => {
    const a = fn('c');
    try {
      const error = await a.local.invoke({ fail: 'nope' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FunctionError);
      expect(error).toMatchObject({ errorType: 'TypeError', message: 'bad input: nope' });
      expect(await a.local.invoke({})).toMatchObject({ invocations: 2 });
    } finally {
      await a.local.stop();
    }
  });

  it('times out, and the next invocation starts cold', async () => {
    const a = fn('d', undefined, {}, 0.3);
    try {
      await expect(a.local.invoke({ sleep: 2000 })).rejects.toMatchObject({
        errorType: 'Sandbox.Timedout',
        message: 'Task timed out after 0.30 seconds',
      });
      expect(await a.local.invoke({})).toMatchObject({ invocations: 1 });
      expect(a.local.coldStarts).toHaveLength(2);
    } finally {
      await a.local.stop();
    }
  });

  it('serves callback-style handlers and serial invocations in order', async () => {
    const a = fn('e', 'functions/a/handler.callback');
    try {
      const results = await Promise.all([1, 2, 3].map((n) => a.local.invoke({ n })));
      expect(results).toEqual([{ echoed: { n: 1 } }, { echoed: { n: 2 } }, { echoed: { n: 3 } }]);
    } finally {
      await a.local.stop();
    }
  });

  it('fails every invocation with the init error when the bundle cannot load', async () => {
    const a = fn('f', 'functions/a/missing.handler');
    try {
      await expect(a.local.invoke({})).rejects.toMatchObject({ errorType: 'Error' });
    } finally {
      await a.local.stop();
    }
  });
});
