import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { expect } from 'vitest';

// toHaveReceivedCommand…() matchers for aws-sdk-client-mock.
expect.extend(allCustomMatcher);
