/**
 * No lost updates (contract-integration.md, section 2): ETag on GET and PUT, If-Match on PUT and
 * DELETE decided in the same conditional write, If-None-Match on GET, malformed headers refused.
 */
import { randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);

/** A request with the header on several lines (fetch would join them into one). */
function onLines(method: string, id: string, name: string, lines: string[], body?: unknown) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${api.baseUrl}/meetings/${id}`,
      {
        method,
        headers: {
          Authorization: `Bearer ${tokenFor({ tenant })}`,
          'Request-ID': randomUUID(),
          [name]: lines,
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
const etagOf = async (id: string) => {
  const response = await api.call('GET', `/meetings/${id}`);
  expect(response.status).toBe(200);
  return response.headers.get('etag')!;
};

describe('entity tags', () => {
  it('names each stored version: a strong tag that changes with every write that changes something, and only then', async () => {
    const input = meetingInput({ notes: 'v1' });
    const id = await api.create(input);
    const first = await etagOf(id);
    expect(first).toMatch(/^"[\x21\x23-\x7e]+"$/);
    expect(await etagOf(id)).toBe(first); // reads change nothing
    const put = await api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: 'v2' } });
    expect(put.status).toBe(204);
    const second = put.headers.get('etag');
    expect(second).not.toBe(first);
    expect(await etagOf(id)).toBe(second);
    // The same body again changes nothing: no write, the same tag (contract: no-op writes).
    const again = await api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: 'v2' } });
    expect([again.status, again.headers.get('etag')]).toEqual([204, second]);
    const third = await api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: 'v3' } });
    expect(third.headers.get('etag')).not.toBe(second);
  });

  it('If-Match: writes only on a named current tag; otherwise 412 and nothing written', async () => {
    const input = meetingInput({ notes: 'original' });
    const id = await api.create(input);
    const tag = await etagOf(id);
    const put = (ifMatch: string, notes: string) =>
      api.call('PUT', `/meetings/${id}`, { body: { ...input, notes }, headers: { 'If-Match': ifMatch } });

    const stale = await put('"not-the-tag"', 'lost');
    expect([stale.status, stale.body.errorCode]).toEqual([412, 'PRECONDITION_FAILED']);
    expect((await put(`W/${tag}`, 'weak')).status).toBe(412); // strong comparison: a weak tag never matches
    expect((await api.call('GET', `/meetings/${id}`)).body.notes).toBe('original');

    const listed = await put(`"other", ${tag}`, 'listed');
    expect(listed.status).toBe(204);
    expect((await put(tag, 'reused')).status).toBe(412); // the tag named a version now replaced
    expect((await put('*', 'any version')).status).toBe(204);
    expect((await api.call('GET', `/meetings/${id}`)).body.notes).toBe('any version');
  });

  it('If-Match on DELETE; existence comes before the precondition, the precondition before the status rules', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const tag = await etagOf(id);
    const refused = await api.call('DELETE', `/meetings/${id}`, { headers: { 'If-Match': '"stale"' } });
    expect([refused.status, refused.body.errorCode]).toEqual([412, 'PRECONDITION_FAILED']);
    expect((await api.call('GET', `/meetings/${id}`)).status).toBe(200);

    // A WON meeting with a stale tag: 412, not INVALID_STATUS (the precondition is checked first).
    const won = await api.call('PUT', `/meetings/${id}`, {
      body: { ...input, statusCode: 'WON' },
      headers: { 'If-Match': tag },
    });
    expect(won.status).toBe(204);
    const wonTag = won.headers.get('etag')!;
    expect((await api.call('DELETE', `/meetings/${id}`, { headers: { 'If-Match': tag } })).status).toBe(412);
    const locked = await api.call('DELETE', `/meetings/${id}`, { headers: { 'If-Match': wonTag } });
    expect([locked.status, locked.body.errorCode]).toEqual([400, 'INVALID_STATUS']);

    const waiting = await api.create(meetingInput());
    const waitingTag = await etagOf(waiting);
    expect((await api.call('DELETE', `/meetings/${waiting}`, { headers: { 'If-Match': waitingTag } })).status).toBe(
      204,
    );
    const gone = await api.call('DELETE', `/meetings/${waiting}`, { headers: { 'If-Match': waitingTag } });
    expect([gone.status, gone.body.errorCode]).toEqual([410, 'GONE']);
    const unknown = await api.call('PUT', '/meetings/3f0f1ae6-0d1c-4c1e-9a39-2f4b4d8a0c11', {
      body: meetingInput(),
      headers: { 'If-Match': '"x"' },
    });
    expect(unknown.status).toBe(404);
  });

  it('If-None-Match on GET: 304 with the tag and no body when current; 200 otherwise', async () => {
    const id = await api.create(meetingInput());
    const tag = await etagOf(id);
    const same = await api.call('GET', `/meetings/${id}`, { headers: { 'If-None-Match': `"other", ${tag}` } });
    expect([same.status, same.text, same.headers.get('etag')]).toEqual([304, '', tag]);
    expect((await api.call('GET', `/meetings/${id}`, { headers: { 'If-None-Match': `W/${tag}` } })).status).toBe(304);
    expect((await api.call('GET', `/meetings/${id}`, { headers: { 'If-None-Match': '*' } })).status).toBe(304);
    const changed = await api.call('GET', `/meetings/${id}`, { headers: { 'If-None-Match': '"old"' } });
    expect([changed.status, changed.headers.get('etag')]).toEqual([200, tag]);
  });

  it('refuses malformed If-Match and If-None-Match with 400 BAD_REQUEST_PARAMETERS naming the header', async () => {
    const id = await api.create(meetingInput());
    for (const value of ['unquoted', '"a" "b"', ' , ', 'W/unquoted', '"with"quote"']) {
      const put = await api.call('PUT', `/meetings/${id}`, { body: meetingInput(), headers: { 'If-Match': value } });
      expect([value, put.status, put.body.errors?.[0]?.target]).toEqual([value, 400, 'If-Match']);
      const get = await api.call('GET', `/meetings/${id}`, { headers: { 'If-None-Match': value } });
      expect([value, get.status, get.body.errors?.[0]?.target]).toEqual([value, 400, 'If-None-Match']);
    }
  });

  it('reads If-Match as an RFC 9110 list (empty elements, a comma inside a tag) and checks it with the parameters', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const tag = await etagOf(id);
    expect(
      (await api.call('PUT', `/meetings/${id}`, { body: input, headers: { 'If-Match': `"a,b", , ${tag},` } })).status,
    ).toBe(204);
    // A malformed header does not come before the path id (404), the media type (415) or the body (400 body).
    const junk = { 'If-Match': 'junk' };
    expect((await api.call('PUT', '/meetings/not-a-uuid', { body: input, headers: junk })).status).toBe(404);
    expect((await api.call('DELETE', '/meetings/not-a-uuid', { headers: junk })).status).toBe(404);
    expect((await api.call('GET', '/meetings/not-a-uuid', { headers: { 'If-None-Match': 'junk' } })).status).toBe(404);
    const media = await api.call('PUT', `/meetings/${id}`, {
      rawBody: '{}',
      headers: { ...junk, 'Content-Type': 'text/plain' },
    });
    expect(media.status).toBe(415);
    const body = await api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'NOPE' }, headers: junk });
    expect([body.status, body.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
  });

  it('reads a list header sent on several lines as the one comma-joined list (RFC 9110 5.3)', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const tag = await etagOf(id);
    // The current tag on the first line: a reader of the last line only would answer 412, and 200.
    const get = await onLines('GET', id, 'If-None-Match', [tag, '"other"']);
    expect([get.status, get.headers.etag]).toEqual([304, tag]);
    const put = await onLines('PUT', id, 'if-match', [tag, '"other"'], { ...input, notes: 'changed' });
    expect(put.status, put.body).toBe(204);
    const stale = await onLines('PUT', id, 'If-Match', [tag, '"other"'], { ...input, notes: 'again' });
    expect(stale.status).toBe(412);
    // A malformed line makes the whole field malformed.
    const current = await etagOf(id);
    const malformed = await onLines('DELETE', id, 'If-Match', [current, 'junk']);
    expect([malformed.status, JSON.parse(malformed.body).errors[0].target]).toEqual([400, 'If-Match']);
    expect((await onLines('DELETE', id, 'If-Match', ['"other"', current])).status).toBe(204);
  });

  it('24 concurrent PUTs carrying the same If-Match: exactly one 204, the others 412', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const tag = await etagOf(id);
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: `racer ${i}` }, headers: { 'If-Match': tag } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([204, ...Array.from({ length: 23 }, () => 412)]);
    const winner = answers.find((a) => a.status === 204)!;
    expect(await etagOf(id)).toBe(winner.headers.get('etag'));
  });
});
