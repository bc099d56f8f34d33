import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());
const ROUNDS = 3;
const RACERS = 20;

const statusCounts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('races: the outcome is always one that some serial order gives', () => {
  it(`${RACERS} parallel cancels with different visitTimes: exactly one wins, its visitTime stays`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const input = meetingInput();
      const id = await api.create(input);
      const visitTimes = Array.from(
        { length: RACERS },
        (_, i) => `2027-01-01T${String(i).padStart(2, '0')}:00:00.000Z`,
      );
      const responses = await Promise.all(
        visitTimes.map((visitTime) =>
          api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'CANCELLED', visitTime } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statusCounts(statuses)).toEqual({ 204: 1, 400: RACERS - 1 });
      for (const loser of responses.filter((r) => r.status === 400))
        expect(loser.body.errorCode).toBe('INVALID_STATUS');
      const winner = visitTimes[statuses.indexOf(204)];
      expect((await api.call('GET', `/meetings/${id}`)).body).toMatchObject({
        statusCode: 'CANCELLED',
        visitTime: winner,
      });
    }
  });

  it(`${RACERS} parallel WON/LOST flips from WAITING all succeed (each is allowed after any other) and modificationTime moved every time`, async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const before = (await api.call('GET', `/meetings/${id}`)).body.modificationTime;
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        api.call('PUT', `/meetings/${id}`, {
          body: { ...input, statusCode: i % 2 ? 'WON' : 'LOST', notes: `writer ${i}` },
        }),
      ),
    );
    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 204: RACERS });
    const after = (await api.call('GET', `/meetings/${id}`)).body;
    expect(Date.parse(after.modificationTime) - Date.parse(before)).toBeGreaterThanOrEqual(RACERS); // strictly increasing, 1 ms at least per write
  });

  it('a delete racing an update to WON: exactly one succeeds, the other answers as the serial order says', async () => {
    for (let round = 0; round < ROUNDS * 3; round++) {
      const input = meetingInput();
      const id = await api.create(input);
      const [update, remove] = await Promise.all([
        api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'WON' } }),
        api.call('DELETE', `/meetings/${id}`),
      ]);
      const final = await api.call('GET', `/meetings/${id}`);
      if (update.status === 204) {
        // update first: the delete then sees WON
        expect([remove.status, remove.body.errorCode, final.status]).toEqual([400, 'INVALID_STATUS', 200]);
      } else {
        // delete first: the update then sees a tombstone
        expect([update.status, update.body.errorCode, remove.status, final.status]).toEqual([410, 'GONE', 204, 410]);
      }
    }
  });

  it(`${RACERS} parallel deletes: exactly one 204, the others 410`, async () => {
    const id = await api.create(meetingInput());
    const responses = await Promise.all(Array.from({ length: RACERS }, () => api.call('DELETE', `/meetings/${id}`)));
    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 204: 1, 410: RACERS - 1 });
  });
});
