import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import { ManualClock } from '../../local/clock.js';
import { PersonalizeEmulator, type PersonalizeEmulatorOptions } from '../../local/personalize/emulator.js';
import { type RunningServer, startPersonalizeServer } from '../../local/personalize/http.js';
import { INSTANT } from '../../local/personalize/profile.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

export interface PersonalizeHarness {
  readonly emulator: PersonalizeEmulator;
  readonly server: RunningServer;
  readonly client: PersonalizeClient;
  readonly clock: ManualClock | undefined;
  readonly dataDir: string;
  /** Stops the server and the emulator, keeping the data directory. */
  stop(): Promise<void>;
  /** Stops everything and removes the data directory. */
  dispose(): Promise<void>;
}

export interface HarnessOptions extends Partial<PersonalizeEmulatorOptions> {
  /** Use a ManualClock (status paths step by step) instead of real time. */
  readonly manualClock?: boolean | ManualClock;
  readonly s3?: () => S3Client;
}

/** An emulator on a random port with a real SDK client pointed at it. */
export async function startPersonalize(options: HarnessOptions = {}): Promise<PersonalizeHarness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mpx-personalize-')));
  const clock =
    options.manualClock instanceof ManualClock
      ? options.manualClock
      : options.manualClock
        ? new ManualClock()
        : undefined;
  const emulator = await PersonalizeEmulator.start({
    profile: INSTANT,
    ...options,
    dataDir,
    ...(clock ? { clock } : {}),
  });
  const server = await startPersonalizeServer(emulator);
  const client = new PersonalizeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  const stop = async () => {
    client.destroy();
    await server.close();
    await emulator.close();
  };
  return {
    emulator,
    server,
    client,
    clock,
    dataDir,
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A worker that never finishes on its own (it ends when the emulator aborts it). */
export const hang = (_resource: unknown, ctx: { signal: AbortSignal }): Promise<never> =>
  new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
