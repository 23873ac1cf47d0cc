// Runs one Lambda function bundle inside a worker thread, as the Lambda Node.js
// runtime does: load the handler once (cold start), then serve invocations one
// at a time. Plain JavaScript on purpose: the bundle is what `sls package`
// ships, and nothing here may need a TypeScript loader.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled(true);

const { bundleDir, handler, functionName, functionArn, memoryMb, logGroupName } = workerData;
const dot = handler.lastIndexOf('.');
const modulePath = join(bundleDir, `${handler.slice(0, dot)}.js`);
const exportName = handler.slice(dot + 1);

const initStarted = performance.now();
let fn;
let initError;
try {
  const loaded = createRequire(join(bundleDir, 'package.json'))(modulePath);
  fn = loaded[exportName];
  if (typeof fn !== 'function')
    throw new Error(`${handler}: ${exportName} is not a function exported by ${modulePath}`);
} catch (error) {
  initError = error;
}
const initMs = performance.now() - initStarted;

function serialize(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack };
}

parentPort.postMessage({ type: 'ready', initMs, error: initError ? serialize(initError) : undefined });

parentPort.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, event, requestId, deadline } = message;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    if (initError) throw initError;
    const value = await new Promise((resolve, reject) => {
      const result = fn(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (result && typeof result.then === 'function') result.then(resolve, reject);
    });
    parentPort.postMessage({ type: 'result', id, ok: true, value });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id, ok: false, error: serialize(error) });
  }
});
