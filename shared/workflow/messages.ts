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

/** Runs queue: start a run for a trigger, or resume one that waited for its dataset group's lock. */
export const runRequestMessage = z.discriminatedUnion('type', [
  z.object({ version: z.literal(1), type: z.literal('start'), trigger: uploadTrigger }),
  z.object({ version: z.literal(1), type: z.literal('resume'), runId: z.string().min(1) }),
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
