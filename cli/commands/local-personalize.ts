import { resolve } from 'node:path';
import { PersonalizeEmulator } from '../../local/personalize/emulator.js';
import { startPersonalizeServer } from '../../local/personalize/http.js';
import { PROFILES, type ProfileName, scaledProfile } from '../../local/personalize/profile.js';
import { reportError } from '../command-error.js';
import { startError } from '../start-error.js';
import type { Output } from './validate.js';

export interface LocalPersonalizeOptions {
  readonly port: string;
  readonly host: string;
  readonly dataDir: string;
  readonly profile: string;
  readonly speed: string;
}

/**
 * `mpx local personalize`: the Personalize emulator alone, for any tool that
 * speaks the AWS SDK. Imports read S3 through the SDK's own endpoint settings
 * (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL). Runs until SIGINT or SIGTERM.
 * Exit codes: 0 stopped, 1 it could not start (a port in use…), 2 bad options.
 */
export async function localPersonalizeCommand(options: LocalPersonalizeOptions, io: Output): Promise<number> {
  if (!(options.profile in PROFILES)) {
    io.err(`mpx local personalize: --profile must be ${Object.keys(PROFILES).join(' or ')}, not ${options.profile}`);
    return 2;
  }
  const speed = Number(options.speed);
  if (!(speed > 0)) {
    io.err(`mpx local personalize: --speed must be a positive number, not ${options.speed}`);
    return 2;
  }
  // Local S3 emulators accept any signature, but the SDK needs some credentials to sign with.
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= 'us-east-1';
  const dataDir = resolve(options.dataDir);
  const emulator = await PersonalizeEmulator.start({
    dataDir,
    profile: scaledProfile(PROFILES[options.profile as ProfileName], speed),
  });
  let server: Awaited<ReturnType<typeof startPersonalizeServer>>;
  try {
    server = await startPersonalizeServer(emulator, Number(options.port), options.host);
  } catch (error) {
    await emulator.close();
    return reportError('local personalize', startError(error, 'the Personalize emulator', options.port), io);
  }
  io.out(
    `Personalize emulator listening on ${server.endpoint} (profile ${options.profile} ×${speed}, data in ${dataDir})`,
  );
  io.out(`Point the SDK at it: AWS_ENDPOINT_URL_PERSONALIZE=${server.endpoint}`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await emulator.close();
  io.out('Personalize emulator stopped');
  return 0;
}
