import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainJob, TrainOutcome } from './train-job.js';

export type { TrainJob, TrainOutcome } from './train-job.js';

const WORKER = fileURLToPath(new URL('./train-worker.mjs', import.meta.url));

export class TrainingFailed extends Error {
  override readonly name = 'TrainingFailed';
}

/** Runs a training in a worker thread (never on the request path); aborting terminates it. */
export function trainInWorker(job: TrainJob, signal?: AbortSignal): Promise<TrainOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: job });
    const abort = () => {
      void worker.terminate();
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    worker.once('message', (message: { ok: boolean; outcome?: TrainOutcome; message?: string }) => {
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
      if (message.ok) resolve(message.outcome as TrainOutcome);
      else reject(new TrainingFailed(message.message));
    });
    worker.once('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(new TrainingFailed(error.message));
    });
  });
}
