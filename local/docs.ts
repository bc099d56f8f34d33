/**
 * The contract for integrators, served by the local runner without a token: GET /openapi.json and
 * a Redoc page at /docs (Redoc's standalone bundle comes from the redoc npm package, no CDN).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Meeting API 1.0</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="/docs/redoc.standalone.js"></script>
  </body>
</html>
`;

let cache: { spec: Buffer; redoc: Buffer } | undefined;
const assets = () =>
  (cache ??= {
    spec: readFileSync(join(here, '..', 'shared', 'generated', 'openapi.json')),
    redoc: readFileSync(require.resolve('redoc/bundles/redoc.standalone.js')),
  });

/** Answers the docs paths; false for anything else. */
export function serveDocs(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const send = (type: string, body: string | Buffer) => {
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
  if (path === '/openapi.json') return send('application/json', assets().spec);
  if (path === '/docs' || path === '/docs/') return send('text/html; charset=utf-8', DOCS_PAGE);
  if (path === '/docs/redoc.standalone.js') return send('text/javascript; charset=utf-8', assets().redoc);
  return false;
}
