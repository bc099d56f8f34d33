/**
 * npm run smoke -- --url <api url> --token <jwt> [--api-key <key>]: a safe end-to-end check of a deployment. It
 * creates its own meeting (random ids, so it touches no real data), reads, searches, updates and
 * deletes it, and checks every answer with the API tests' own contract check (a status the
 * operation declares, a body in its schema, the Request-ID echoed) plus what each step expects.
 * One line per step; exit 0 only if every step passed, 1 if one failed, 2 on bad arguments.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { isUuid } from '../shared/domain/identifiers.js';
import { contractDeviation, readCheckedResponse, type CheckedResponse } from '../support/contract-check.js';

const USAGE = 'usage: npm run smoke -- --url <api base url> --token <bearer jwt> [--api-key <partner key>]\n';
/** A deployment that does not answer within this is a failed step, not a hung smoke. */
const REQUEST_TIMEOUT_MS = 10_000;
/** On AWS the search indexes are eventually consistent: a new meeting may take a moment to be found. */
const SEARCH_WAIT_MS = 10_000;
const SEARCH_RETRY_MS = 500;

function usageError(message: string): never {
  process.stderr.write(`smoke: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArguments(): { base: string; token: string; apiKey?: string } {
  let values: { url?: string; token?: string; 'api-key'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (!values.url) usageError('--url is required');
  if (!values.token) usageError('--token is required');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    usageError(`--url must be an absolute http(s) URL, got "${values.url}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash)
    usageError(`--url must be an http(s) URL without query or fragment, got "${values.url}"`);
  // The API's paths go after the URL's own path (an API Gateway stage such as /v1/).
  return { base: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, token: values.token, apiKey: values['api-key'] };
}

/** apiKey: a partner key, for a deployment that requires them (sent as x-api-key on every call). */
const { base, token, apiKey } = parseArguments();

interface Answer extends CheckedResponse {
  body: any;
}

/** The last request of the running step, as its line shows it: "GET /meetings/… -> 200". */
let exchange = '';

class Deviation extends Error {}
const fail = (message: string): never => {
  throw new Deviation(message);
};

const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a certificate, DNS).
  const cause = error.cause as (Error & { code?: string }) | undefined;
  const why = cause?.message || cause?.code;
  return why ? `${error.message}: ${why}` : error.message;
};

/**
 * One request with a fresh Request-ID. Fails unless the answer has the expected status (and
 * errorCode) and conforms to the contract.
 */
async function call(
  method: string,
  path: string,
  options: {
    status: number | number[];
    errorCode?: string;
    body?: unknown;
    headers?: Record<string, string>;
    noToken?: true;
    noApiKey?: true;
    /** Sees the answer before it is checked (so that a meeting created by a deviating answer is still known). */
    onAnswer?: (answer: Answer) => void;
  },
): Promise<Answer> {
  const requestId = randomUUID();
  const headers: Record<string, string> = { 'Request-ID': requestId, ...options.headers };
  if (!options.noToken) headers.Authorization = `Bearer ${token}`;
  if (apiKey !== undefined && !options.noApiKey) headers['x-api-key'] = apiKey;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  exchange = `${method} ${path}`;
  let answer: Answer;
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // A redirect is not an answer of this API (and would carry the token elsewhere).
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    answer = await readCheckedResponse(response);
  } catch (error) {
    return fail(describeError(error));
  }
  exchange = `${method} ${path} -> ${answer.status}`;
  options.onAnswer?.(answer);
  const deviations: string[] = [];
  const statuses = [options.status].flat();
  if (!statuses.includes(answer.status)) {
    // The house error body says why (a token without the write scope, an expired token, ...).
    const { errorCode, message, description } = answer.body ?? {};
    const error = errorCode ? ` ${errorCode} (${description ?? message})` : '';
    const hint = typeof errorCode === 'string' ? HINTS[errorCode] : undefined;
    deviations.push(`expected ${statuses.join(' or ')}, got ${answer.status}${error}${hint ? `. ${hint}` : ''}`);
  } else if (options.errorCode && answer.body?.errorCode !== options.errorCode)
    deviations.push(`expected errorCode ${options.errorCode}, got ${answer.body?.errorCode}`);
  const deviation = contractDeviation(method, path, requestId, answer);
  if (deviation) deviations.push(deviation);
  if (deviations.length) fail(deviations.join('; '));
  return answer;
}

/** What to fix when the deployment refuses the smoke check's own credentials. */
const HINTS: Record<string, string> = {
  UNAUTHORIZED:
    "The token was refused: pass --token with an unexpired access token of this deployment's issuer (locally: npm run -s token, with npm start's DATA_DIR)",
  FORBIDDEN: 'The token lacks a scope: the smoke check writes, so it needs the read and the write scope',
  INVALID_API_KEY:
    "This deployment requires partner keys: pass --api-key with a key of the token's tenant (npm run -s api-key -- --tenant ID)",
};

/** The fields of a meeting that differ from the expected ones; visitTime compares as an instant. */
function differingFields(actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(actual), ...Object.keys(expected)])].filter((field) =>
    field === 'visitTime'
      ? Date.parse(actual[field] as string) !== Date.parse(expected[field] as string)
      : !isDeepStrictEqual(actual[field], expected[field]),
  );
}

function expectMeeting(actual: Record<string, unknown>, expected: Record<string, unknown>, what: string) {
  const fields = differingFields(actual, expected);
  if (fields.length) fail(`${fields.join(', ')} differ from ${what}`);
}

function expectEntityTag(answer: Answer): string {
  const tag = answer.headers.get('etag');
  if (!tag || !/^"[^"]*"$/.test(tag)) fail(`no strong ETag (got ${tag === null ? 'none' : tag})`);
  return tag!;
}

// Random ids throughout: the meeting cannot collide with real data, and its partyId finds only it.
const runId = randomUUID();
const partyId = randomUUID();
const input = {
  typeCode: 'SALES_MEETING',
  statusCode: 'WAITING',
  parties: [{ partyId, partyTypeCode: 'PERSON_PARTY' }],
  realtyId: randomUUID(),
  visitTime: '2030-06-03T09:30:00Z',
  agencyOfficeId: randomUUID(),
  agents: [{ agentId: randomUUID() }],
  sourceTypeCode: 'DIRECT_CONTACT',
  meetingRealty: { categoryCode: 'SALE', streetAddress: 'Smoke test 1', postcode: '00100', postalArea: 'Helsinki' },
  priceEstimate: { minPrice: 250000, maxPrice: 280000, currencyCode: 'EUR' },
  notes: `Created by npm run smoke (run ${runId}), which deletes it again within seconds.`,
};
// A full replacement: notes change and realtyId goes, which a merge would keep.
const { realtyId: _realtyId, ...kept } = input;
const updated = { ...kept, notes: `${input.notes} Updated.` };
const idempotencyKey = `smoke-${runId}`;

let meetingId = '';
/** Meetings this run created and has not deleted yet: the cleanup deletes them. */
const leftBehind = new Set<string>();
/** Only a uuid goes into a cleanup's path: a deviating answer must not aim a DELETE elsewhere. */
const noteCreated = (answer: Answer) => {
  if (answer.status === 201 && isUuid(answer.body?.meetingId)) leftBehind.add(answer.body.meetingId);
};
/** The create's answer status, none when it never came (a timeout, a dropped connection). */
let createStatus: number | undefined;
let createAttempted = false;
let read: Record<string, unknown> = {};
let firstTag = '';
let updatedTag = '';

const steps: Array<[name: string, run: () => Promise<unknown>]> = [
  // Safe checks first: a wrong URL or token fails here, before anything is written.
  ['no-token', () => call('GET', '/meetings', { status: 401, errorCode: 'UNAUTHORIZED', noToken: true })],
  // Where keys are required: a valid token without its key is refused.
  ...(apiKey === undefined
    ? []
    : [
        [
          'no-key',
          () => call('GET', '/meetings', { status: 404, errorCode: 'INVALID_API_KEY', noApiKey: true }),
        ] satisfies [string, () => Promise<unknown>],
      ]),
  ['unknown', () => call('GET', `/meetings/${randomUUID()}`, { status: 404, errorCode: 'INVALID_ID' })],
  [
    'create',
    async () => {
      createAttempted = true;
      const answer = await call('POST', '/meetings', {
        status: 201,
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
        onAnswer: (created) => {
          createStatus = created.status;
          noteCreated(created);
        },
      });
      meetingId = answer.body.meetingId;
      const location = answer.headers.get('location');
      if (location !== `/meetings/${meetingId}`) fail(`Location is ${location}, expected /meetings/${meetingId}`);
    },
  ],
  [
    'replay',
    async () => {
      // The same key and body again: the first answer, no second meeting.
      const answer = await call('POST', '/meetings', {
        status: 201,
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
        onAnswer: noteCreated,
      });
      if (answer.body.meetingId !== meetingId) fail(`a second meeting ${answer.body.meetingId} was created`);
      if (answer.headers.get('idempotent-replayed') !== 'true') fail('no Idempotent-Replayed: true');
    },
  ],
  [
    'read',
    async () => {
      const answer = await call('GET', `/meetings/${meetingId}`, { status: 200 });
      read = answer.body;
      expectMeeting(
        read,
        { ...input, meetingId, creationTime: read.creationTime, modificationTime: read.modificationTime },
        'what was sent',
      );
      firstTag = expectEntityTag(answer);
    },
  ],
  [
    'search',
    async () => {
      const deadline = performance.now() + SEARCH_WAIT_MS;
      for (let tries = 1; ; tries++) {
        const answer = await call('GET', `/meetings?partyId=${partyId}`, { status: 200 });
        if (answer.body.totalCount === 0 && performance.now() < deadline) {
          await sleep(SEARCH_RETRY_MS);
          continue;
        }
        if (answer.body.totalCount === 0) fail(`not found after ${SEARCH_WAIT_MS / 1000} s`);
        if (answer.body.totalCount !== 1 || answer.body.meetings.length !== 1)
          fail(`expected exactly this meeting, got totalCount ${answer.body.totalCount}`);
        expectMeeting(answer.body.meetings[0], read, 'the meeting read');
        return tries > 1 ? `${tries} tries` : undefined;
      }
    },
  ],
  [
    'update',
    async () => {
      const answer = await call('PUT', `/meetings/${meetingId}`, {
        status: 204,
        body: updated,
        headers: { 'If-Match': firstTag },
      });
      updatedTag = expectEntityTag(answer);
      if (updatedTag === firstTag) fail('ETag did not change');
    },
  ],
  [
    'reread',
    async () => {
      const answer = await call('GET', `/meetings/${meetingId}`, { status: 200 });
      const { modificationTime } = answer.body;
      expectMeeting(
        answer.body,
        { ...updated, meetingId, creationTime: read.creationTime, modificationTime },
        'the update',
      );
      if (!(Date.parse(modificationTime) > Date.parse(read.modificationTime as string)))
        fail(`modificationTime ${modificationTime} not after ${read.modificationTime as string}`);
      const tag = expectEntityTag(answer);
      if (tag !== updatedTag) fail(`ETag ${tag} is not the update's ${updatedTag}`);
    },
  ],
  [
    'stale',
    // Writes nothing: the old ETag no longer matches, so the delete must be refused.
    () =>
      call('DELETE', `/meetings/${meetingId}`, {
        status: 412,
        errorCode: 'PRECONDITION_FAILED',
        headers: { 'If-Match': firstTag },
      }),
  ],
  [
    'delete',
    async () => {
      await call('DELETE', `/meetings/${meetingId}`, { status: 204, headers: { 'If-Match': updatedTag } });
      leftBehind.delete(meetingId);
    },
  ],
  ['gone', () => call('GET', `/meetings/${meetingId}`, { status: 410, errorCode: 'GONE' })],
];

/** Runs one step and prints its line; a step may return a note (a string) for its line. */
async function runStep(name: string, run: () => Promise<unknown>): Promise<boolean> {
  exchange = '';
  const started = performance.now();
  let line: string;
  try {
    const result = await run();
    const note = typeof result === 'string' ? result : undefined;
    line = `ok   ${name.padEnd(8)} ${exchange} (${Math.round(performance.now() - started)} ms${note ? `, ${note}` : ''})`;
  } catch (error) {
    const why = error instanceof Deviation ? error.message : describeError(error);
    line = `FAIL ${name.padEnd(8)} ${exchange} (${Math.round(performance.now() - started)} ms): ${why}`;
  }
  console.log(line);
  return line.startsWith('ok');
}

/**
 * Deletes what this run left behind. A create whose answer never came (or came as a 5xx) may still
 * have written: the same Idempotency-Key and body again name the meeting it made (or make it), and
 * that one is deleted too. Deleted without If-Match: whatever its version; 410 means already gone.
 */
async function cleanUp(): Promise<void> {
  if (createAttempted && leftBehind.size === 0 && (createStatus === undefined || createStatus >= 500)) {
    await runStep('recover', () =>
      call('POST', '/meetings', {
        status: 201,
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
        onAnswer: noteCreated,
      }).then((answer) => `the create's meeting is ${answer.body.meetingId}`),
    );
  }
  for (const id of leftBehind) {
    const deleted = await runStep('cleanup', () =>
      call('DELETE', `/meetings/${id}`, { status: [204, 410] }).then(
        (answer) => `${answer.status === 410 ? 'already deleted' : 'deleted'} meeting ${id}`,
      ),
    );
    if (!deleted) console.log(`smoke: meeting ${id} may be left behind; delete it by hand`);
    else leftBehind.delete(id);
  }
}

// Ctrl-C: still delete what was created.
process.once('SIGINT', () => {
  console.log('smoke: interrupted');
  void cleanUp().finally(() => process.exit(130));
});

let failedStep: string | undefined;
let notRun = 0;
try {
  for (const [name, run] of steps) {
    if (failedStep !== undefined) {
      console.log(`skip ${name.padEnd(8)} (not run: step ${failedStep} failed)`);
      notRun++;
    } else if (!(await runStep(name, run))) failedStep = name;
  }
} finally {
  await cleanUp();
}

if (failedStep === undefined && leftBehind.size === 0) {
  console.log(`smoke: ${steps.length} steps passed against ${base}`);
} else {
  const left = leftBehind.size ? `, ${leftBehind.size} meeting(s) left behind` : '';
  const failed = failedStep === undefined ? 'the cleanup failed' : `1 of ${steps.length} steps failed (${failedStep})`;
  console.log(`smoke: ${failed}, ${notRun} not run${left}, against ${base}`);
  process.exitCode = 1;
}
