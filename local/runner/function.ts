import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * One deployed Lambda function, run from its packaged bundle in a worker
 * thread with its own environment: loaded once (cold start), then warm;
 * invocations one at a time, as one Lambda instance serves them; the timeout
 * enforced by terminating the worker (the next invocation starts cold again).
 */

export interface FunctionSpec {
  readonly name: string;
  readonly arn: string;
  /** Folder holding the unpacked bundle. */
  readonly bundleDir: string;
  /** `functions/onConfigUpload/handler.handler` */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export interface InvocationLog {
  readonly functionName: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    message: string,
    readonly errorType: string,
    readonly remoteStack?: string,
  ) {
    super(message);
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const WORKER = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

export class LocalFunction {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Pending>();
  /** Milliseconds each cold start spent loading the bundle. */
  readonly coldStarts: number[] = [];
  invocations = 0;
  /** Milliseconds of handler time, each invocation rounded up to 1 ms as Lambda bills it (init excluded). */
  billedMs = 0;

  constructor(
    readonly spec: FunctionSpec,
    private readonly log: (entry: InvocationLog) => void = () => undefined,
  ) {}

  /** Invokes the function with `event`; resolves with its result or rejects with a FunctionError. */
  invoke(event: unknown): Promise<unknown> {
    const run = this.queue.then(() => this.invokeNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every invocation asked for so far has ended. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(WORKER, {
      workerData: {
        bundleDir: this.spec.bundleDir,
        handler: this.spec.handler,
        functionName: this.spec.name,
        functionArn: this.spec.arn,
        memoryMb: this.spec.memoryMb,
        logGroupName: `/aws/lambda/${this.spec.name}`,
      },
      env: { ...this.spec.environment },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, this.spec.memoryMb) },
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      worker[stream].setEncoding('utf8');
      worker[stream].on('data', (text: string) => this.log({ functionName: this.spec.name, stream, text }));
    }
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (message: { type: string; initMs: number; error?: { message: string } }) => {
        this.coldStarts.push(message.initMs);
        resolve();
      });
      worker.once('error', reject);
    });
    worker.on(
      'message',
      (message: {
        type: string;
        id: string;
        ok: boolean;
        value?: unknown;
        error?: { name: string; message: string; stack?: string };
      }) => {
        if (message.type !== 'result') return;
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else
          pending.reject(
            new FunctionError(message.error?.message ?? 'error', message.error?.name ?? 'Error', message.error?.stack),
          );
      },
    );
    worker.on('error', (error) =>
      this.crash(worker, new FunctionError(error.message, 'Runtime.ExitError', error.stack)),
    );
    worker.on('exit', (code) =>
      this.crash(worker, new FunctionError(`the function's runtime exited with code ${code}`, 'Runtime.ExitError')),
    );
    return this.ready;
  }

  /** Forgets a worker that died or was terminated; what it was running fails. */
  private crash(worker: Worker, error: FunctionError): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private async invokeNow(event: unknown): Promise<unknown> {
    this.invocations += 1;
    await this.start();
    const worker = this.worker as Worker;
    const id = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const began = performance.now();
    const bill = () => {
      this.billedMs += Math.max(1, Math.ceil(performance.now() - began));
    };
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        bill();
        this.pending.delete(id);
        reject(
          new FunctionError(`Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`, 'Sandbox.Timedout'),
        );
        this.crash(worker, new FunctionError('timed out', 'Sandbox.Timedout'));
        void worker.terminate();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          bill();
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          bill();
          reject(error);
        },
      });
      worker.postMessage({ type: 'invoke', id, event, requestId: id, deadline: Date.now() + timeoutMs });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) await worker.terminate();
  }
}
