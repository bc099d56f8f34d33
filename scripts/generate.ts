/**
 * Build step: turns openapi/meeting-api.yaml (the one source of the contract) into
 *  - shared/generated/validators/*.cjs standalone Ajv validators, one module each (nothing is compiled at cold start)
 *  - shared/generated/api-types.ts    TypeScript types of every schema
 *  - shared/generated/contract.ts     operations (method, path, scope) and search parameter metadata
 *  - shared/generated/openapi.json    the document as JSON (served by the local runner)
 *  - shared/generated/error-catalog.ts each error code's HTTP status and message (x-error-catalog)
 * Run before npm start, test, lint, typecheck, format, smoke and iam:report; the output is not committed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync as writeFile } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';
import { UUID_PATTERN } from '../shared/domain/identifiers.js';

type Json = any;
// Ajv ships CommonJS with a default export that NodeNext typings do not see as callable.
const require = createRequire(import.meta.url);
const { default: Ajv2020, _ } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');
const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js')).default;
const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = join(root, 'openapi', 'meeting-api.yaml');
const outDir = join(root, 'shared', 'generated');
const spec: Json = parse(readFileSync(specPath, 'utf8'));

/** Rewrites OpenAPI refs to $defs refs and tightens `format: uuid` (ajv-formats also accepts a urn:uuid: prefix). */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', '#/$defs/');
    // Annotations do not validate; standalone code would carry them into every bundle.
    else if (key.startsWith('x-') || key === 'description' || key === 'examples' || key === 'example') continue;
    // Under properties the keys are field names (a field may be called "description"), not keywords.
    else if (key === 'properties')
      out.properties = Object.fromEntries(
        Object.entries<Json>(value as Record<string, Json>).map(([name, schema]) => [name, toJsonSchema(schema)]),
      );
    else out[key] = toJsonSchema(value);
  }
  if (out.format === 'uuid') out.pattern = UUID_PATTERN;
  return out;
}

/** The request form of a schema: readOnly properties are accepted and ignored, never required. */
function requestForm(schema: Json): Json {
  const properties: Json = {};
  const readOnly: string[] = [];
  for (const [name, prop] of Object.entries<Json>(schema.properties)) {
    if (prop.readOnly) readOnly.push(name);
    properties[name] = prop.readOnly ? {} : prop;
  }
  return { ...schema, properties, required: schema.required.filter((name: string) => !readOnly.includes(name)) };
  // (MeetingInput requires no read-only field; the filter keeps that true if one is added.)
}

const defs: Json = Object.fromEntries(
  Object.entries<Json>(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
);
defs.MeetingRequest = requestForm(defs.MeetingInput);

// The query parameters of each GET operation that has them become one object schema; the handler
// feeds it the parsed query string.
const queryParametersOf = (operation: Json): Json[] =>
  (operation.parameters ?? []).filter((p: Json) => p.in === 'query');
const queryOperations = {
  SearchQuery: spec.paths['/meetings'].get,
  ChangesQuery: spec.paths['/meetings/changes'].get,
  HistoryQuery: spec.paths['/meetings/{meetingId}/history'].get,
  ExportQuery: spec.paths['/privacy/exports'].get,
};
for (const [name, operation] of Object.entries<Json>(queryOperations)) {
  defs[name] = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(queryParametersOf(operation).map((p: Json) => [p.name, toJsonSchema(p.schema)])),
    required: queryParametersOf(operation)
      .filter((p: Json) => p.required)
      .map((p: Json) => p.name),
  };
}

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  // Meeting = allOf [MeetingInput] + required read-only fields: its required names live in the allOf.
  strictRequired: false,
  // Our error items carry their own messages (shared/http/validation-errors.ts); Ajv's would only add bytes.
  messages: false,
  code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
});
addFormats(ajv, ['date-time', 'uuid', 'int32']);
ajv.addSchema({ $id: 'meeting-api', $defs: defs });
const exported = [
  'MeetingRequest',
  'SearchQuery',
  'ChangesQuery',
  'HistoryQuery',
  'ExportQuery',
  'Meeting',
  'MeetingCreated',
  'MeetingBatchRequest',
  'MeetingBatchResults',
  'MeetingSearchResult',
  'MeetingChanges',
  'MeetingHistory',
  'ErasureRequest',
  'Erasure',
  'PartyExport',
  'CalendarFeedRequest',
  'CalendarFeedCreated',
  'CalendarFeedList',
  'SubscriptionRequest',
  'SubscriptionCreated',
  'SubscriptionList',
  'Error',
];

const operations = Object.entries<Json>(spec.paths).flatMap(([path, item]) =>
  ['get', 'post', 'put', 'delete', 'patch']
    .filter((method) => item[method])
    .map((method) => ({
      operationId: item[method].operationId as string,
      method: method.toUpperCase(),
      path,
      // none: the route has no authorizer (a calendar app's secret address is its credential).
      scope: item[method]['x-scope'] as 'read' | 'write' | 'privacy' | 'none',
      // status -> name of the response body schema (null: no body; text:<media type> for a text body)
      responses: Object.fromEntries(
        Object.entries<Json>(item[method].responses).map(([status, response]) => {
          const resolved = response.$ref ? spec.components.responses[response.$ref.split('/').pop()] : response;
          const ref: string | undefined = resolved.content?.['application/json']?.schema?.$ref;
          // A text body (the calendar feed's text/calendar): its media type, as `text:<type>`.
          const textType = Object.keys(resolved.content ?? {}).find((type) => type.startsWith('text/'));
          return [status, ref ? ref.split('/').pop() : textType ? `text:${textType}` : null];
        }),
      ) as Record<string, string | null>,
    })),
);
const resolved = (schema: Json): Json => (schema.$ref ? spec.components.schemas[schema.$ref.split('/').pop()] : schema);
/** What a handler needs to read a query string: each parameter's name, arrayness, type and default. */
const parameterMetadata = (operation: Json) =>
  queryParametersOf(operation).map((p: Json) => {
    const schema = resolved(p.schema);
    return {
      name: p.name as string,
      array: schema.type === 'array',
      type: (schema.type === 'array' ? (resolved(schema.items).type ?? 'string') : schema.type) as string,
      ...(schema.default !== undefined ? { default: schema.default } : {}),
    };
  });
const searchParameters = parameterMetadata(queryOperations.SearchQuery);
const changesParameters = parameterMetadata(queryOperations.ChangesQuery);
const historyParameters = parameterMetadata(queryOperations.HistoryQuery);
const exportParameters = parameterMetadata(queryOperations.ExportQuery);

/** Everything generated, by path: written only where it changed, so a run with nothing new touches no file. */
const outputs = new Map<string, string>();
const writeFileSync = (path: string, content: string) => void outputs.set(path, content);
// One module per validator, so that each function bundles only the validators it uses.
for (const name of exported) {
  const code = standaloneCode(ajv, { validate: `meeting-api#/$defs/${name}` });
  writeFileSync(
    join(outDir, 'validators', `${name}.cjs`),
    `// Generated by scripts/generate.ts from openapi/meeting-api.yaml. Do not edit.\n${code}`,
  );
  writeFileSync(
    join(outDir, 'validators', `${name}.d.cts`),
    "// Generated by scripts/generate.ts. Do not edit.\nimport type { ErrorObject } from 'ajv';\nexport declare const validate: { (data: unknown): boolean; errors?: ErrorObject[] | null };\n",
  );
}
writeFileSync(
  join(outDir, 'contract.ts'),
  `// Generated by scripts/generate.ts from openapi/meeting-api.yaml. Do not edit.\n` +
    `export const operations = ${JSON.stringify(operations, null, 2)} as const;\n\n` +
    `export interface QueryParameter { name: string; array: boolean; type: string; default?: unknown }\n\n` +
    `export const searchParameters: readonly QueryParameter[] = ${JSON.stringify(searchParameters, null, 2)};\n\n` +
    `export const changesParameters: readonly QueryParameter[] = ${JSON.stringify(changesParameters, null, 2)};\n\n` +
    `export const historyParameters: readonly QueryParameter[] = ${JSON.stringify(historyParameters, null, 2)};\n\n` +
    `export const exportParameters: readonly QueryParameter[] = ${JSON.stringify(exportParameters, null, 2)};\n\n` +
    `/** The pattern of the document's DateTime schema (error messages name it in words). */\n` +
    `export const DATE_TIME_PATTERN = ${JSON.stringify(spec.components.schemas.DateTime.pattern)};\n`,
);
// Each error code's status and message, from the ErrorCode schema's x-error-catalog; every code of
// the enum must have an entry and nothing else may.
const errorCodes: string[] = spec.components.schemas.ErrorCode.enum;
const catalog: Record<string, { status: number; message: string }> =
  spec.components.schemas.ErrorCode['x-error-catalog'];
const uncatalogued = errorCodes.filter((code) => !catalog[code]);
const unknown = Object.keys(catalog).filter((code) => !errorCodes.includes(code));
if (uncatalogued.length || unknown.length)
  throw new Error(
    `x-error-catalog must list exactly the ErrorCode enum: missing ${uncatalogued.join(', ')}, unknown ${unknown.join(', ')}`,
  );
writeFileSync(
  join(outDir, 'error-catalog.ts'),
  `// Generated by scripts/generate.ts from openapi/meeting-api.yaml (ErrorCode, x-error-catalog). Do not edit.\n` +
    `export const ERROR_CATALOG = ${JSON.stringify(catalog, null, 2)} as const;\n\n` +
    `export type ErrorCode = keyof typeof ERROR_CATALOG;\n`,
);
// The document as JSON, for GET /openapi.json of the local runner and the typed client.
writeFileSync(join(outDir, 'openapi.json'), JSON.stringify(spec, null, 2));
const ast = await openapiTS(pathToFileURL(specPath));
const types = `// Generated by scripts/generate.ts from openapi/meeting-api.yaml. Do not edit.\n${astToString(ast)}`;
writeFileSync(join(outDir, 'api-types.ts'), types);
// The typed client for integrators carries its own copy, so that it depends on nothing of the service.
const clientDir = join(root, 'clients', 'typescript', 'generated');
writeFileSync(join(clientDir, 'schema.ts'), types);

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const changed = [...outputs].filter(([path, content]) => read(path) !== content);
for (const [path, content] of changed) {
  mkdirSync(dirname(path), { recursive: true });
  writeFile(path, content);
}
// What an earlier document generated and this one does not (a validator of a removed schema).
const listed = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? listed(join(dir, entry.name)) : [join(dir, entry.name)],
      )
    : [];
const stale = [...listed(outDir), ...listed(clientDir)].filter((path) => !outputs.has(path));
for (const path of stale) rmSync(path);
if (changed.length || stale.length)
  console.error(
    `generated ${exported.length} validators, ${operations.length} operations, types -> shared/generated/ (${changed.length} files written, ${stale.length} removed)`,
  );
