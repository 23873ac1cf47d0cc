import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { applyGlobalOptions, parseEndpoint } from '../../../cli/global-options.js';
import { defaultStage } from '../../../cli/stack.js';
import { startError } from '../../../cli/start-error.js';

describe('applyGlobalOptions', () => {
  it('sets what the SDK reads, and puts back what was there', () => {
    const env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1', OTHER: 'x' };
    const restore = applyGlobalOptions({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' }, env);
    expect(env).toEqual({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', OTHER: 'x' });
    restore();
    expect(env).toEqual({ AWS_REGION: 'us-east-1', OTHER: 'x' });
  });

  it('leaves alone what was not given', () => {
    const env: NodeJS.ProcessEnv = { AWS_ENDPOINT_URL: 'http://localhost:4566' };
    applyGlobalOptions({}, env)();
    applyGlobalOptions({ region: 'ap-south-1' }, env);
    expect(env).toEqual({ AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_REGION: 'ap-south-1' });
  });
});

describe('parseEndpoint', () => {
  it.each(['http://127.0.0.1:4566', 'https://personalize.eu-west-1.amazonaws.com', 'http://[::1]:4566/'])(
    'takes %s',
    (url) => {
      expect(parseEndpoint(url)).toBe(url);
    },
  );
  it.each(['127.0.0.1:4566', 'localhost', 'ftp://host', ''])('refuses %j', (text) => {
    expect(() => parseEndpoint(text)).toThrow(InvalidArgumentError);
  });
});

describe('defaultStage', () => {
  it('is local with an endpoint (the local cloud deploys stage local), else dev', () => {
    expect(defaultStage({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBe('local');
    expect(defaultStage({ AWS_ENDPOINT_URL: '' })).toBe('dev');
    expect(defaultStage({})).toBe('dev');
  });
});

describe('startError', () => {
  const listenError = (code: string) =>
    Object.assign(new Error(`listen ${code}: address already in use 127.0.0.1:4566`), { code });

  it.each([
    ['EADDRINUSE', /cannot listen on port 4566: it is in use .*pass --port 0 for any free port$/],
    ['EACCES', /cannot listen on port 4566: this user may not open it; pass a port above 1023/],
    ['ENOENT', /^the local cloud did not start: listen ENOENT/],
  ])('%s: exit 1 with what to do', (code, message) => {
    const error = startError(listenError(code), 'the local cloud', '4566');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
});
