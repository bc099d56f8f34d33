/**
 * The stack's functions run from their TypeScript source in the test's own process, with its
 * environment: for the reliability tests that inject faults into the runtime's own DynamoDB client
 * (shared/composition.ts), which only a function in this process uses. Everything else runs the
 * functions as deployed (local/runtime/function-host.ts).
 */
import type { Context } from 'aws-lambda';
import type { FunctionHost, InvocationResult } from '../../local/runtime/function-host.js';
import type { DeployedStack } from '../../local/runtime/stack-template.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export function inProcessFunctions(stack: DeployedStack): FunctionHost {
  const loaded = new Map<string, Promise<Handler>>();
  return {
    async invoke(logicalId: string, event: unknown): Promise<InvocationResult> {
      const fn = stack.functions.get(logicalId);
      if (!fn) throw new Error(`no function ${logicalId} in the template`);
      if (!loaded.has(logicalId))
        loaded.set(
          logicalId,
          import(`../../functions/${fn.sourceName}/handler.ts`).then((module: { handler: Handler }) => module.handler),
        );
      const deadline = Date.now() + fn.timeoutSeconds * 1000;
      const context = {
        awsRequestId: crypto.randomUUID(),
        functionName: fn.sourceName,
        getRemainingTimeInMillis: () => deadline - Date.now(),
      } as Context;
      try {
        const payload = await (await loaded.get(logicalId)!)(event, context);
        return { ok: true, payload: JSON.parse(JSON.stringify(payload ?? null)) as unknown };
      } catch (error) {
        return { ok: false, errorType: (error as Error).name, errorMessage: (error as Error).message };
      }
    },
    stop: () => Promise.resolve(),
  };
}
