/**
 * Runs the deployed functions locally: each in sandboxes of its own (worker threads), started on
 * demand like Lambda's execution environments, one invocation at a time each, with the function's
 * environment and timeout. A sandbox past its timeout is ended, as Lambda ends it, and the
 * invocation fails with Lambda's timeout error; a payload over Lambda's response limit fails too.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Lambda's limit on a synchronous invocation's response payload (6 MB), as its own error message names it. */
export const RESPONSE_PAYLOAD_LIMIT_BYTES = 6_291_556;
/** Sandboxes per function at most; further invocations wait for one (Lambda would scale out). */
const DEFAULT_MAX_SANDBOXES = 4;

export type InvocationResult = { ok: true; payload: unknown } | { ok: false; errorType: string; errorMessage: string };

export interface FunctionDefinition {
  name: string;
  bundleDir: string;
  handler: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
}

export interface FunctionHost {
  invoke(functionName: string, event: unknown): Promise<InvocationResult>;
  stop(): Promise<void>;
}

interface Sandbox {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  settle?: (result: InvocationResult) => void;
}

const STOPPED: InvocationResult = {
  ok: false,
  errorType: 'Runtime.Stopped',
  errorMessage: 'the local runtime stopped',
};

const workerFile = fileURLToPath(new URL('./lambda-worker.cjs', import.meta.url));

export class DeployedFunctions implements FunctionHost {
  private readonly sandboxes = new Map<string, Sandbox[]>();
  private readonly waiting = new Map<string, Array<() => void>>();
  private stopped = false;

  constructor(
    private readonly definitions: Map<string, FunctionDefinition>,
    private readonly maxSandboxes = DEFAULT_MAX_SANDBOXES,
  ) {}

  private start(definition: FunctionDefinition): Sandbox {
    const worker = new Worker(workerFile, {
      env: definition.environment,
      // Nothing of the runner's own Node options (its TypeScript loader): the bundle runs as Lambda runs it.
      execArgv: [],
      workerData: {
        bundleDir: definition.bundleDir,
        handler: definition.handler,
        timeoutMs: definition.timeoutSeconds * 1000,
      },
      stdout: false,
      stderr: false,
    });
    const sandbox: Sandbox = {
      worker,
      busy: false,
      ready: new Promise((resolveReady, reject) => {
        worker.once('message', () => resolveReady());
        worker.once('error', reject);
      }),
    };
    worker.on('message', (message: { id?: string; payload?: string; error?: InvocationResult }) => {
      if (!message.id || !sandbox.settle) return;
      if (message.error) return sandbox.settle({ ok: false, ...(message.error as object) } as InvocationResult);
      const payload = message.payload ?? 'null';
      if (Buffer.byteLength(payload) > RESPONSE_PAYLOAD_LIMIT_BYTES)
        return sandbox.settle({
          ok: false,
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_PAYLOAD_LIMIT_BYTES} bytes).`,
        });
      sandbox.settle({ ok: true, payload: JSON.parse(payload) as unknown });
    });
    // A sandbox that dies (a crash, or ended at its timeout) is replaced by a new one when needed.
    worker.once('exit', () => {
      this.remove(definition.name, sandbox);
      sandbox.settle?.({ ok: false, errorType: 'Runtime.ExitError', errorMessage: 'the runtime exited' });
    });
    worker.on('error', (error: Error) =>
      sandbox.settle?.({ ok: false, errorType: 'Runtime.ExitError', errorMessage: error.message }),
    );
    const list = this.sandboxes.get(definition.name) ?? [];
    list.push(sandbox);
    this.sandboxes.set(definition.name, list);
    return sandbox;
  }

  private remove(name: string, sandbox: Sandbox) {
    const list = this.sandboxes.get(name);
    if (list)
      this.sandboxes.set(
        name,
        list.filter((s) => s !== sandbox),
      );
    this.waiting.get(name)?.shift()?.();
  }

  /** A sandbox claimed for one invocation, or none once the host has stopped. */
  private async acquire(definition: FunctionDefinition): Promise<Sandbox | undefined> {
    for (;;) {
      if (this.stopped) return undefined;
      const list = this.sandboxes.get(definition.name) ?? [];
      // Claimed here, before any await: two invocations never share a sandbox.
      const idle = list.find((sandbox) => !sandbox.busy);
      if (idle) return Object.assign(idle, { busy: true });
      if (list.length < this.maxSandboxes) return Object.assign(this.start(definition), { busy: true });
      await new Promise<void>((resolveTurn) => {
        const queue = this.waiting.get(definition.name) ?? [];
        queue.push(resolveTurn);
        this.waiting.set(definition.name, queue);
      });
    }
  }

  async invoke(functionName: string, event: unknown): Promise<InvocationResult> {
    const definition = this.definitions.get(functionName);
    if (!definition) throw new Error(`no function ${functionName} in the template`);
    if (this.stopped) return STOPPED;
    const sandbox = await this.acquire(definition);
    if (!sandbox) return STOPPED;
    try {
      try {
        await sandbox.ready;
      } catch (error) {
        return { ok: false, errorType: 'Runtime.InitError', errorMessage: (error as Error).message };
      }
      const timeoutMs = definition.timeoutSeconds * 1000;
      return await new Promise<InvocationResult>((settle) => {
        const timer = setTimeout(() => {
          // The sandbox is gone from now on: no later invocation may reach it while it ends.
          sandbox.settle = undefined;
          this.remove(definition.name, sandbox);
          settle({
            ok: false,
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
          });
          void sandbox.worker.terminate();
        }, timeoutMs);
        sandbox.settle = (result) => {
          clearTimeout(timer);
          sandbox.settle = undefined;
          settle(result);
        };
        sandbox.worker.postMessage({
          id: randomUUID(),
          event,
          context: { awsRequestId: randomUUID(), functionName, functionVersion: '$LATEST' },
        });
      });
    } finally {
      sandbox.busy = false;
      this.waiting.get(definition.name)?.shift()?.();
    }
  }

  /** The environment a function's sandboxes get. */
  environmentOf(functionName: string): Record<string, string> {
    const definition = this.definitions.get(functionName);
    if (!definition) throw new Error(`no function ${functionName} in the template`);
    return definition.environment;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.sandboxes.values()].flat();
    this.sandboxes.clear();
    // Invocations waiting for a sandbox end now, without starting one.
    for (const queue of this.waiting.values()) for (const wake of queue.splice(0)) wake();
    await Promise.all(all.map((sandbox) => sandbox.worker.terminate()));
  }
}
