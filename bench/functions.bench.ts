import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { buildOptions } from '../esbuild.config.js';
import { REPO_ROOT } from '../local/cloud/index.js';
import { packageProject } from '../local/cloud/package.js';
import { ENV } from '../shared/env.js';
import { median, percentile } from './stats.js';

/**
 * The functions as `sls package` ships them (reusing `.serverless-bench/`):
 * the minified size of each handler bundle (and its zip, source map
 * included), and cold-start init time — the median over fresh `node`
 * processes of requiring the bundle and finding its handler, with the
 * environment the template gives it (its NODE_OPTIONS=--enable-source-maps
 * included) and, to show what source maps cost, without NODE_OPTIONS.
 * Which packages fill the bundles comes from an esbuild metafile of the
 * same build options.
 */

export interface FunctionFigures {
  readonly name: string;
  readonly bundleKb: number;
  readonly zipKb: number;
  readonly sourceMapKb: number;
  readonly coldInitMsMedian: number;
  readonly coldInitMsP90: number;
  readonly coldInitMsNoSourceMapsMedian: number;
  /** Bytes in the minified output by package, largest first. */
  readonly topPackagesKb: readonly { readonly name: string; readonly kb: number }[];
}

export interface FunctionsBench {
  readonly processes: number;
  readonly node: string;
  readonly functions: readonly FunctionFigures[];
}

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Handler?: string;
        FunctionName?: string;
        Code?: { S3Key?: string };
        Environment?: { Variables?: Record<string, unknown> };
      };
    }
  >;
};

/** The template's variables, with placeholders where CloudFormation would resolve a Ref or GetAtt. */
function environmentOf(variables: Record<string, unknown>): Record<string, string> {
  const placeholders: Record<string, string> = {
    [ENV.runsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/mpx-runs',
    [ENV.stepsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/mpx-steps',
    [ENV.finishQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/mpx-finish',
    [ENV.accountId]: '000000000000',
  };
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : (placeholders[name] ?? `arn:aws:local:us-east-1:000000000000:${name}`),
    ]),
  );
}

const run = promisify(execFile);

/** Milliseconds a fresh process takes to require `file` and find its `handler` export. */
async function coldInit(file: string, env: Record<string, string>): Promise<number> {
  const script = `const t = performance.now(); const m = require(${JSON.stringify(file)}); if (typeof m.handler !== 'function') throw new Error('no handler'); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['-e', script], { env, cwd: dirname(file) });
  return Number(stdout);
}

/** Kilobytes of minified output per npm package (or `mpx` for the project's own code). */
async function packageSizes(entry: string): Promise<{ name: string; kb: number }[]> {
  const { exclude: _exclude, packager: _packager, outputWorkFolder: _folder, ...options } = buildOptions;
  const result = await build({
    ...options,
    entryPoints: [join(REPO_ROOT, entry)],
    outfile: 'out.js',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const sizes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? 'mpx (functions/, shared/)';
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes]
    .map(([name, bytes]) => ({ name, kb: bytes / 1024 }))
    .sort((a, b) => b.kb - a.kb)
    .slice(0, 6);
}

export async function runFunctionsBench(): Promise<FunctionsBench> {
  const processes = 20;
  const packaged = await packageProject(REPO_ROOT, 'bench');
  const template = JSON.parse(
    await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const folder = await mkdtemp(join(tmpdir(), 'mpx-bench-functions-'));
  const zips = new Set((await readdir(packaged.dir)).filter((f) => f.endsWith('.zip')));
  try {
    const functions: FunctionFigures[] = [];
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const handler = resource.Properties.Handler ?? '';
      const zipName = (resource.Properties.Code?.S3Key ?? '').split('/').pop() ?? '';
      if (!zips.has(zipName)) continue;
      const name = zipName.replace(/\.zip$/, '');
      const zip = await readFile(join(packaged.dir, zipName));
      const target = join(folder, name);
      let bundleBytes = 0;
      let mapBytes = 0;
      for (const [path, bytes] of Object.entries(unzipSync(new Uint8Array(zip)))) {
        if (path.endsWith('/')) continue;
        await mkdir(dirname(join(target, path)), { recursive: true });
        await writeFile(join(target, path), bytes);
        if (path.endsWith('.js')) bundleBytes += bytes.length;
        if (path.endsWith('.map')) mapBytes += bytes.length;
      }
      await writeFile(join(target, 'package.json'), '{"type": "commonjs"}');
      const file = join(target, `${handler.slice(0, handler.lastIndexOf('.'))}.js`);
      const deployed: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...environmentOf(resource.Properties.Environment?.Variables ?? {}),
      };
      const { NODE_OPTIONS: _sourceMaps, ...plain } = deployed;
      const withMaps: number[] = [];
      const withoutMaps: number[] = [];
      // One unmeasured start warms the file cache, as a Lambda host's disk would be.
      await coldInit(file, deployed);
      for (let i = 0; i < processes; i += 1) {
        withMaps.push(await coldInit(file, deployed));
        withoutMaps.push(await coldInit(file, plain));
      }
      functions.push({
        name,
        bundleKb: bundleBytes / 1024,
        zipKb: zip.length / 1024,
        sourceMapKb: mapBytes / 1024,
        coldInitMsMedian: median(withMaps),
        coldInitMsP90: percentile(withMaps, 90),
        coldInitMsNoSourceMapsMedian: median(withoutMaps),
        topPackagesKb: await packageSizes(`${handler.slice(0, handler.lastIndexOf('.'))}.ts`),
      });
    }
    return { processes, node: process.version, functions };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
