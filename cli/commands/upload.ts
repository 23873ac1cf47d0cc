import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { nameProblem } from '../../shared/config/schema.js';
import type { ConfigIssue } from '../../shared/config/types.js';
import { validate } from '../../shared/config/validate.js';
import { listRuns, type StateDeps } from '../../shared/state/runs.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { requireStackOutputs, withRunState } from '../stack.js';
import { findUploadRun, type PlannedUpload, planUpload, uploadTrigger } from '../upload-plan.js';
import { followRun, type RunView } from '../watch-run.js';
import type { Output } from './validate.js';

/**
 * `mpx upload <dir>`: what a user does by hand, checked first. The folder's
 * config.json is validated locally (an invalid file uploads nothing), the
 * data and batch inputs go to the stack's bucket, the parameter file last —
 * its upload starts the run — and the run it started is found and printed
 * (and with --wait, followed to its end).
 */

export interface UploadOptions {
  readonly stage: string;
  /** The folder under train/ and batch/ (default: the file's datasetGroup.serviceConfig.name). */
  readonly datasetGroup?: string;
  readonly wait?: boolean;
  /** How `--wait` shows the run (default: plain lines). */
  readonly view?: RunView;
  /** How long to look for the run the upload started (default 60 s). */
  readonly runTimeoutMs?: number;
  /** Time between two reads of the run (default 1 s). */
  readonly intervalMs?: number;
}

const show = (issue: ConfigIssue) => `${issue.path === '' ? '(file)' : issue.path}: ${issue.message}`;

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** PutObject's limit: a larger file must be split into CSV parts. */
const MAX_OBJECT_BYTES = 5 * 1024 ** 3;

interface CheckedFolder {
  readonly configText: string;
  /** The dataset group the file names: the run is listed under it. */
  readonly fileGroup: string;
  readonly folderGroup: string;
  readonly uploads: readonly (PlannedUpload & { readonly bytes: number })[];
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : bytes < 1024 ** 3
        ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
        : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** @throws CommandError (exit 2) when the folder, its parameter file, a data file or --dataset-group is not usable. */
async function checkFolder(dir: string, options: UploadOptions, io: Output): Promise<CheckedFolder> {
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new CommandError(`${dir} is not a folder (pass the folder that holds config.json)`, EXIT.USAGE);
  const file = join(dir, 'config.json');
  let configText: string;
  try {
    configText = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (the folder must hold the parameter file config.json; npx mpx local generate-data --out <dir> writes an example)`,
      EXIT.USAGE,
    );
  }
  const result = validate(configText);
  if (!result.config) {
    throw new CommandError(
      `${file} has ${result.errors.length} error(s), so nothing was uploaded; fix them and upload again (npx mpx validate ${file} checks it):`,
      EXIT.USAGE,
      { details: result.errors.map(show) },
    );
  }
  for (const warning of result.warnings) io.err(`mpx upload: warning: ${show(warning)}`);
  const fileGroup = result.config.datasetGroup.serviceConfig.name ?? '';
  const folderGroup = options.datasetGroup ?? fileGroup;
  const problem = nameProblem(folderGroup);
  if (problem) throw new CommandError(`--dataset-group ${JSON.stringify(folderGroup)} ${problem}`, EXIT.USAGE);
  const plan = planUpload(await filesUnder(dir), folderGroup);
  for (const line of plan.skipped) io.err(`mpx upload: skipped ${line}`);
  const uploads = await Promise.all(
    plan.uploads.map(async (upload) => ({ ...upload, bytes: (await stat(join(dir, upload.file))).size })),
  );
  const tooLarge = uploads.find((upload) => upload.bytes > MAX_OBJECT_BYTES);
  if (tooLarge) {
    throw new CommandError(
      `${tooLarge.file} is ${size(tooLarge.bytes)}, more than one S3 upload takes (5 GiB); split it into CSV parts in a folder (interactions/part-1.csv, part-2.csv…)`,
      EXIT.USAGE,
    );
  }
  return { configText, fileGroup, folderGroup, uploads };
}

/**
 * Uploads in order: data files streamed (they can be large), the parameter
 * file as the text that was validated.
 * @returns when the parameter file's upload began (its run starts after).
 * @throws CommandError (exit 1) naming the file that could not be uploaded.
 */
async function uploadFiles(dir: string, bucket: string, folder: CheckedFolder, io: Output): Promise<Date> {
  const s3 = new S3Client({});
  let configSent = new Date();
  try {
    io.out(`Uploading to s3://${bucket}/ (data first, the parameter file last):`);
    for (const upload of folder.uploads) {
      try {
        const config = upload.role === 'config' ? Buffer.from(folder.configText) : undefined;
        if (config) configSent = new Date();
        const bytes = config?.length ?? upload.bytes;
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: upload.key,
            Body: config ?? createReadStream(join(dir, upload.file)),
            ContentLength: bytes,
          }),
        );
        io.out(`  ${upload.key}  (${size(bytes)})`);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0];
        throw new CommandError(
          `cannot upload ${upload.file} to s3://${bucket}/${upload.key}: ${message}; no run started (the parameter file goes last), so upload again`,
          EXIT.FAILED,
          { cause: error },
        );
      }
    }
  } finally {
    s3.destroy();
  }
  return configSent;
}

/**
 * The run the upload started, looked for every 500 ms until `timeoutMs`.
 * @throws CommandError (exit 1) when none shows up in time.
 */
async function awaitRun(
  state: StateDeps,
  match: Parameters<typeof findUploadRun>[1],
  datasetGroup: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = findUploadRun(await listRuns(state, datasetGroup), match);
    if (run) return run.runId;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new CommandError(
    `no run of ${datasetGroup} started within ${Math.round(timeoutMs / 1000)} s of the upload; the notification topic says why (a file the service rejects, data still missing…), and npx mpx runs list --dataset-group ${datasetGroup} shows it once it starts`,
    EXIT.FAILED,
  );
}

export async function uploadCommand(dir: string, options: UploadOptions, io: Output): Promise<number> {
  try {
    const folder = await checkFolder(dir, options, io);
    const outputs = await requireStackOutputs(options.stage, ['PersonalizeBucketName', 'RunsTableName']);
    const bucket = outputs.PersonalizeBucketName;
    return await withRunState({ stage: options.stage, table: outputs.RunsTableName }, async (state) => {
      const before = new Set((await listRuns(state, folder.fileGroup)).map((r) => r.runId));
      const since = await uploadFiles(dir, bucket, folder, io);
      const trigger = uploadTrigger(bucket, folder.folderGroup);
      const runId = await awaitRun(state, { trigger, before, since }, folder.fileGroup, options.runTimeoutMs ?? 60_000);
      io.out(`Run ${runId} started for dataset group ${folder.fileGroup}.`);
      if (!options.wait) {
        io.out(`Follow it: npx mpx runs watch ${runId}`);
        return EXIT.OK;
      }
      const code = await followRun(
        state,
        runId,
        { view: options.view ?? { kind: 'lines' }, ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}) },
        io,
      );
      if (code === undefined) throw new CommandError(`the run ${runId} is no longer in the runs table`, EXIT.FAILED);
      return code;
    });
  } catch (error) {
    return reportError('upload', error, io);
  }
}
