// Trains one model off the emulator's request path. The training code is
// TypeScript, so the worker registers tsx before loading it.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runTrainJob } = await import('./train-job.ts');
try {
  parentPort.postMessage({ ok: true, outcome: await runTrainJob(workerData) });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
