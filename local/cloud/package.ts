import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * `sls package --stage <stage>` for the local cloud, reused when nothing that
 * goes into the package changed: the sources of functions/ and shared/, the
 * Serverless and esbuild configuration, and the lockfile.
 */

const INPUTS = [
  'functions',
  'shared',
  'serverless.yml',
  'esbuild.config.ts',
  'esbuild.config.cjs',
  'package-lock.json',
];

async function files(root: string, entry: string): Promise<string[]> {
  const path = join(root, entry);
  if (!existsSync(path)) return [];
  const dirents = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!dirents) return [path];
  const nested = await Promise.all(
    dirents.map((d) =>
      d.isDirectory() ? files(root, join(entry, d.name)) : Promise.resolve([join(root, entry, d.name)]),
    ),
  );
  return nested.flat();
}

/** A hash of everything that goes into the package. */
export async function sourceHash(projectDir: string, stage: string): Promise<string> {
  const hash = createHash('sha256').update(`stage=${stage}\n`);
  const all = (await Promise.all(INPUTS.map((entry) => files(projectDir, entry)))).flat().sort();
  for (const file of all) {
    hash.update(relative(projectDir, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

export interface PackageResult {
  readonly dir: string;
  readonly reused: boolean;
  readonly seconds: number;
}

/** Packages the project into `.serverless-<stage>/` unless the same sources were packaged there before. */
export async function packageProject(projectDir: string, stage: string): Promise<PackageResult> {
  const started = Date.now();
  // Beside .serverless/, not inside it: osls copies .serverless/ into the package folder.
  const dir = join(projectDir, `.serverless-${stage}`);
  const stamp = join(dir, '.mpx-source-hash');
  const hash = await sourceHash(projectDir, stage);
  const previous = await readFile(stamp, 'utf8').catch(() => '');
  if (previous === hash && existsSync(join(dir, 'cloudformation-template-update-stack.json'))) {
    return { dir, reused: true, seconds: (Date.now() - started) / 1000 };
  }
  await mkdir(dir, { recursive: true });
  // mpx's own osls, so a project (or a test fixture) needs no install of its own.
  const sls = fileURLToPath(new URL('../../node_modules/.bin/sls', import.meta.url));
  await promisify(execFile)(sls, ['package', '--stage', stage, '--package', dir], {
    cwd: projectDir,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      MPX_ESBUILD_WORK_FOLDER: `.esbuild-${stage}`,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(stamp, hash);
  return { dir, reused: false, seconds: (Date.now() - started) / 1000 };
}
