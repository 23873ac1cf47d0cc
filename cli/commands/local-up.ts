import { PROFILES, type ProfileName, scaledProfile } from '../../local/personalize/profile.js';
import { reportError } from '../command-error.js';
import { startError } from '../start-error.js';
import type { Output } from './validate.js';

export interface LocalUpOptions {
  readonly port: string;
  readonly host: string;
  readonly dataDir: string;
  readonly profile: string;
  readonly speed: string;
  readonly stage: string;
}

/**
 * `mpx local up`: starts the local cloud, deploys the project's stack (stage
 * `local`) and prints how to point clients at it; runs until SIGINT or SIGTERM.
 * Exit codes: 0 stopped, 1 it could not start (a port in use…), 2 bad options.
 */
export async function localUpCommand(options: LocalUpOptions, io: Output): Promise<number> {
  if (!(options.profile in PROFILES)) {
    io.err(`mpx local up: --profile must be ${Object.keys(PROFILES).join(' or ')}, not ${options.profile}`);
    return 2;
  }
  const speed = Number(options.speed);
  if (!(speed > 0)) {
    io.err(`mpx local up: --speed must be a positive number, not ${options.speed}`);
    return 2;
  }
  const started = Date.now();
  const { startLocalCloud } = await import('../../local/cloud/index.js');
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  try {
    cloud = await startLocalCloud({
      dataDir: options.dataDir,
      port: Number(options.port),
      host: options.host,
      stage: options.stage,
      profile: scaledProfile(PROFILES[options.profile as ProfileName], speed),
      log: (line) => io.err(line),
    });
  } catch (error) {
    return reportError('local up', startError(error, 'the local cloud', options.port), io);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const packaged = cloud.packaging
    ? ` (package ${cloud.packaging.reused ? 'reused' : 'built'} in ${cloud.packaging.seconds.toFixed(1)} s)`
    : '';
  io.out(`Local cloud ready in ${seconds} s${packaged}; data in ${options.dataDir}`);
  io.out(`AWS_ENDPOINT_URL=${cloud.endpoint}`);
  for (const [key, value] of Object.entries(cloud.outputs)) io.out(`${key}=${value}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await cloud.stop();
  io.out('Local cloud stopped');
  return 0;
}
