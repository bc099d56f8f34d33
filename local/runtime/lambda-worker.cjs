/**
 * One function's sandbox on the developer's machine: a worker thread of its own, with the
 * environment Lambda would give it, that loads the function's bundle from the cloud assembly the
 * way the Node.js runtime does (require of the handler's module, then its export) and runs one
 * invocation at a time. Plain CommonJS, no TypeScript loader: it runs the bundle, not the source.
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { join } = require('node:path');

const { bundleDir, handler: handlerName, timeoutMs } = workerData;
// The runtime's own error lines, unless the function's logs are silenced (the tests).
const report = process.env.POWERTOOLS_LOG_LEVEL === 'SILENT' ? () => {} : console.error;
const separator = handlerName.lastIndexOf('.');
const moduleName = handlerName.slice(0, separator);
const exportName = handlerName.slice(separator + 1);

let handler;
let initError;
try {
  handler = require(join(bundleDir, moduleName))[exportName];
  if (typeof handler !== 'function')
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: `${handlerName} is undefined or not exported` };
} catch (error) {
  initError = {
    errorType: error && error.name ? error.name : 'Runtime.ImportModuleError',
    errorMessage: String(error && error.message),
  };
  // As Lambda logs an init failure.
  report(`INIT failed: ${initError.errorType}: ${initError.errorMessage}`);
}

parentPort.on('message', async ({ id, event, context }) => {
  if (initError) return parentPort.postMessage({ id, error: initError });
  const deadline = Date.now() + timeoutMs;
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, lambdaContext);
    // Serialized here, as the runtime sends it: its size is the response payload's.
    parentPort.postMessage({ id, payload: result === undefined ? 'null' : JSON.stringify(result) });
  } catch (error) {
    report(`Invoke Error: ${error && error.name}: ${error && error.message}`);
    parentPort.postMessage({
      id,
      error: { errorType: (error && error.name) || 'Error', errorMessage: String(error && error.message) },
    });
  }
});
parentPort.postMessage({ ready: true });
