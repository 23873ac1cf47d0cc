import type { IncomingMessage } from 'node:http';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSchedulerRequest } from '../../../local/scheduler/http.js';
import { type SchedulerHarness, scheduleInput, startScheduler, T0 } from './harness.js';

/**
 * What the SDK cannot send but a broken client or a misrouted request can:
 * the emulator answers each with an AWS-shaped error and keeps serving.
 */

let h: SchedulerHarness;

beforeAll(async () => {
  h = await startScheduler();
});

afterAll(async () => {
  await h.dispose();
});

async function raw(method: string, path: string, body?: string) {
  const response = await fetch(`${h.server.endpoint}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body } : {}),
  });
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the wire protocol', () => {
  it.each([
    [
      'an unknown path',
      'GET',
      '/coffee',
      undefined,
      404,
      'UnknownOperationException',
      'No EventBridge Scheduler operation matches GET /coffee.',
    ],
    [
      'a known path with a method it does not take',
      'PATCH',
      '/schedules/a',
      '{}',
      404,
      'UnknownOperationException',
      'No EventBridge Scheduler operation matches PATCH /schedules/a.',
    ],
    [
      'a path one segment too deep',
      'GET',
      '/schedules/a/b',
      undefined,
      404,
      'UnknownOperationException',
      'No EventBridge Scheduler operation matches GET /schedules/a/b.',
    ],
    [
      'a body that is not JSON',
      'POST',
      '/schedule-groups/g',
      '{"Tags": [',
      400,
      'ValidationException',
      'The request body is not valid JSON.',
    ],
    [
      'a body that is not an object',
      'POST',
      '/schedule-groups/g',
      '[1, 2]',
      400,
      'ValidationException',
      'The request body must be a JSON object.',
    ],
    [
      'a member of the wrong type',
      'POST',
      '/schedule-groups/g',
      '{"Tags": "team=recs"}',
      400,
      'ValidationException',
      "1 validation error detected: Value 'team=recs' at 'tags' failed to satisfy constraint: Member must be a list",
    ],
    [
      'a page size that is not a number',
      'GET',
      '/schedules?MaxResults=ten',
      undefined,
      400,
      'ValidationException',
      "1 validation error detected: Value 'ten' at 'maxResults' failed to satisfy constraint: Member must be an integer",
    ],
  ])('answers %s with %s', async (_, method, path, body, status, type, message) => {
    const response = await raw(method, path, body);

    expect(response).toEqual({ status, type, contentType: 'application/json', body: { Message: message } });
  });

  it('keeps serving after bad requests', async () => {
    await raw('POST', '/schedule-groups/g', '{');

    await expect(h.client.send(new CreateScheduleCommand(scheduleInput()))).resolves.toMatchObject({
      ScheduleArn: expect.stringMatching(/schedule\/default\/nightly-import$/),
    });
  });

  it('sends times as epoch seconds, as REST JSON does', async () => {
    const response = await raw('GET', '/schedule-groups/default');

    expect(response.body).toMatchObject({ CreationDate: T0 / 1000, LastModificationDate: T0 / 1000 });
  });

  it('decodes ARNs in the path', async () => {
    const arn = encodeURIComponent('arn:aws:scheduler:us-east-1:123456789012:schedule-group/default');

    await expect(raw('GET', `/tags/${arn}`)).resolves.toMatchObject({ status: 200, body: { Tags: [] } });
  });
});

describe('isSchedulerRequest', () => {
  const request = (headers: Record<string, string>, url = '/schedules') =>
    ({ headers, url }) as unknown as IncomingMessage;
  const signed = (service: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`,
  });

  it.each([
    ['a request signed for scheduler', request(signed('scheduler')), true],
    ['a request signed for SQS', request(signed('sqs')), false],
    ['a request signed for EventBridge (events)', request(signed('events')), false],
    ['an unsigned request', request({}), false],
    [
      'a presigned URL for scheduler',
      request({}, '/schedules?X-Amz-Credential=AKIDLOCAL%2F20260101%2Fus-east-1%2Fscheduler%2Faws4_request'),
      true,
    ],
  ])('%s: %s', (_, req, expected) => {
    expect(isSchedulerRequest(req)).toBe(expected);
  });

  it('recognises what the SDK client really sends', async () => {
    let seen: IncomingMessage | undefined;
    const original = h.emulator.handle.bind(h.emulator);
    h.emulator.handle = (req, res) => {
      seen = req;
      return original(req, res);
    };

    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'probe' })));

    expect(seen && isSchedulerRequest(seen)).toBe(true);
  });
});
