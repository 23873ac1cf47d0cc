import { ListDatasetGroupsCommand } from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';

/**
 * What the SDK cannot send but a broken or hostile client can: the emulator
 * answers each with the error AWS would and keeps serving.
 */

let h: PersonalizeHarness;

beforeAll(async () => {
  h = await startPersonalize();
});

afterAll(async () => {
  await h.dispose();
});

async function raw(body: string, target: string | null = 'AmazonPersonalize.CreateDatasetGroup', method = 'POST') {
  const response = await fetch(h.server.endpoint, {
    method,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}) },
    ...(method === 'POST' ? { body } : {}),
  });
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as { __type: string; message: string },
  };
}

describe('the wire protocol', () => {
  it.each([
    ['a malformed JSON body', '{"name": ', undefined, 'SerializationException', 'The request body is not valid JSON'],
    [
      'a body that is not an object',
      '[1, 2]',
      undefined,
      'SerializationException',
      'The request body must be a JSON object',
    ],
    [
      'an unknown operation',
      '{}',
      'AmazonPersonalize.MakeCoffee',
      'UnknownOperationException',
      'Unknown operation AmazonPersonalize.MakeCoffee',
    ],
    [
      'an operation named like an object property',
      '{}',
      'AmazonPersonalize.toString',
      'UnknownOperationException',
      'Unknown operation AmazonPersonalize.toString',
    ],
    [
      'an operation named __proto__',
      '{}',
      'AmazonPersonalize.__proto__',
      'UnknownOperationException',
      'Unknown operation AmazonPersonalize.__proto__',
    ],
    [
      'an operation the emulator does not implement',
      '{}',
      'AmazonPersonalize.CreateMetricAttribution',
      'UnknownOperationException',
      'CreateMetricAttribution is a Personalize operation the local emulator does not implement',
    ],
    [
      'no X-Amz-Target',
      '{}',
      '',
      'UnknownOperationException',
      'Expected POST with X-Amz-Target: AmazonPersonalize.<Operation>',
    ],
    [
      'a value of the wrong type',
      '{"name": 42}',
      undefined,
      'SerializationException',
      "Value 42 at 'name' cannot be read as string",
    ],
    [
      'an unknown field',
      '{"name": "g", "colour": "blue"}',
      undefined,
      'InvalidInputException',
      "1 validation error detected: Unknown parameter 'colour' in the CreateDatasetGroup input",
    ],
    [
      'tags sent to UpdateCampaign (the deprecated solution did this)',
      '{"campaignArn": "arn:aws:personalize:us-east-1:000000000000:campaign/c", "tags": []}',
      'AmazonPersonalize.UpdateCampaign',
      'InvalidInputException',
      "1 validation error detected: Unknown parameter 'tags' in the UpdateCampaign input",
    ],
    [
      'an unknown ARN',
      '{"campaignArn": "arn:aws:personalize:us-east-1:000000000000:campaign/none"}',
      'AmazonPersonalize.DescribeCampaign',
      'ResourceNotFoundException',
      'Could not find the campaign with ARN arn:aws:personalize:us-east-1:000000000000:campaign/none',
    ],
    [
      'a value that is not an ARN',
      '{"campaignArn": "campaign-1"}',
      'AmazonPersonalize.DescribeCampaign',
      'InvalidInputException',
      "1 validation error detected: Value 'campaign-1' at 'campaignArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:([a-z\\d-]+):personalize:.*:.*:.+",
    ],
    [
      'a forged page token',
      '{"nextToken": "bm90LWEtdG9rZW4"}',
      'AmazonPersonalize.ListDatasetGroups',
      'InvalidNextTokenException',
      'The next token is not valid',
    ],
  ])('%s', async (_, body, target, type, message) => {
    const response = await raw(body, target === '' ? null : (target ?? 'AmazonPersonalize.CreateDatasetGroup'));
    expect(response).toEqual({ status: 400, type, body: { __type: type, message } });
  });

  it('refuses GET', async () => {
    expect((await raw('', 'AmazonPersonalize.ListDatasetGroups', 'GET')).body.__type).toBe('UnknownOperationException');
  });

  it('keeps serving SDK clients after all of that', async () => {
    const result = await h.client.send(new ListDatasetGroupsCommand({}));
    expect(result.$metadata.httpStatusCode).toBe(200);
  });
});
