import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { expect } from 'vitest';

// toHaveReceivedCommand…() matchers for aws-sdk-client-mock.
expect.extend(allCustomMatcher);

// Property tests explore new cases on every local run; CI replays a fixed seed
// so a red build is always reproducible (a failure prints its seed either way).
if (process.env.CI) {
  const fc = await import('fast-check');
  fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261128) });
}
