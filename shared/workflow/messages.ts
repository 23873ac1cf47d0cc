import { z } from 'zod';

/**
 * The payloads of mpx's queues (STYLE.md §4): one zod schema per message,
 * used by producer and consumer, with a version field. Consumers parse at the
 * edge and throw on a body that does not match, so a poison message ends in
 * the queue's DLQ instead of looping.
 */

const uploadTrigger = z.object({
  type: z.literal('upload'),
  bucket: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().min(1).optional(),
  eTag: z.string().min(1).optional(),
  /** When S3 saw the object; part of the run id, so a redelivered event names the same run. */
  eventTime: z.string().min(1),
});

/** What a schedule of the parameter file makes mpx do (shared/schedules/from-config.ts). */
export const scheduledTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('import') }),
  z.object({ kind: z.enum(['full', 'update']), solution: z.string().min(1) }),
  z.object({ kind: z.enum(['batchInference', 'batchSegment']), solution: z.string().min(1), job: z.string().min(1) }),
]);

/**
 * The payload EventBridge Scheduler sends to the runs queue: the schedule's
 * task, and the occurrence it fired for (the schedule's Input carries the
 * `<aws.scheduler.scheduled-time>` context attribute), which names the run.
 */
export const scheduledRunRequest = z.object({
  version: z.literal(1),
  type: z.literal('schedule'),
  datasetGroup: z.string().min(1),
  scheduleName: z.string().min(1),
  task: scheduledTask,
  scheduledTime: z.string().min(1),
});
export type ScheduledRunRequest = z.infer<typeof scheduledRunRequest>;

/**
 * Runs queue: start a run for an upload, a schedule's run, resume a run that
 * waited for its dataset group's lock, or look again for the data of a
 * parameter file uploaded before its CSVs (until `deadline`).
 */
export const runRequestMessage = z.discriminatedUnion('type', [
  z.object({ version: z.literal(1), type: z.literal('start'), trigger: uploadTrigger }),
  z.object({ version: z.literal(1), type: z.literal('resume'), runId: z.string().min(1) }),
  z.object({
    version: z.literal(1),
    type: z.literal('await-data'),
    trigger: uploadTrigger,
    deadline: z.string().min(1),
  }),
  scheduledRunRequest,
]);
export type RunRequestMessage = z.infer<typeof runRequestMessage>;
export type UploadTrigger = z.infer<typeof uploadTrigger>;

/** Steps queue: run poll number `poll` of a step (0 = its first run). */
export const stepMessage = z.object({
  version: z.literal(1),
  runId: z.string().min(1),
  stepId: z.string().min(1),
  poll: z.number().int().min(0),
});
export type StepMessage = z.infer<typeof stepMessage>;

/** Finish queue: every other step of the run has ended; report it. */
export const finishMessage = z.object({ version: z.literal(1), runId: z.string().min(1) });
export type FinishMessage = z.infer<typeof finishMessage>;

/** Parses a queue body with `schema`. @throws Error naming the queue and the first problem. */
export function parseMessage<T>(schema: z.ZodType<T>, body: string, queue: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`${queue} message is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${queue} message does not match its contract: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
