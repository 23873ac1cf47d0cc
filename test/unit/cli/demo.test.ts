import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCommand, keepRunningLines } from '../../../cli/commands/demo.js';

/**
 * `mpx demo` when it cannot run, and what --keep prints. The demo that runs
 * to the end is test/integration/demo.test.ts; how a run's end maps to the
 * exit code is runExitCode (watch-run.test.ts).
 */

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('mpx demo, failing to start', () => {
  let taken: Server;
  let port: number;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mpx-demo-unit-'));
    taken = createServer();
    await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((closed) => taken.close(closed));
    await rm(root, { recursive: true, force: true });
  });

  it('a port in use: exit 1, one line on stderr saying what to do, no stack trace', async () => {
    const { io, err } = capture();
    const dataDir = join(root, 'state');
    const code = await demoCommand({ port: String(port), speed: '600', dataDir }, io);
    expect(code).toBe(1);
    expect(err).toEqual([
      `mpx demo: the local cloud cannot listen on port ${port}: it is in use (another mpx local up or mpx demo --keep?); stop what listens there, or pass --port 0 for any free port`,
    ]);
  });

  it('a --speed that is not a positive number: exit 2 before anything starts', async () => {
    const { io, out, err } = capture();
    expect(await demoCommand({ port: '0', speed: 'fast', dataDir: join(root, 'never') }, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(['mpx demo: --speed must be a positive number, not fast']);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

describe('keepRunningLines', () => {
  it('says where the state is and how to point the CLI, the AWS CLI and an SDK at the local cloud', () => {
    const lines = keepRunningLines('http://127.0.0.1:4566', 'us-east-1', '/tmp/state');
    expect(lines).toContain('  export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1');
    expect(lines.join('\n')).toContain('state in /tmp/state');
    expect(lines.some((l) => l.startsWith('  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local'))).toBe(true);
    expect(lines.some((l) => l.includes('npx mpx --endpoint http://127.0.0.1:4566 runs list'))).toBe(true);
    // An SDK without credentials would not sign its requests: the snippet carries them.
    expect(lines.at(-1)).toMatch(
      /new PersonalizeRuntimeClient\(\{ endpoint: 'http:\/\/127\.0\.0\.1:4566', region: 'us-east-1', credentials: \{ accessKeyId: 'local', secretAccessKey: 'local' \} \}\)/,
    );
  });
});
