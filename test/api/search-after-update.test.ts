/**
 * A meeting's party and agent links follow its updates: one no longer named stops finding it (the
 * update deletes the link items past the new count), one still named keeps finding it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());

const found = async (query: string) => {
  const response = await api.call('GET', `/meetings?${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body.meetings.map((meeting: { meetingId: string }) => meeting.meetingId) as string[];
};

describe('search after an update that names fewer parties and agents', () => {
  it('no longer finds the meeting by a dropped party or agent, still by the kept ones', async () => {
    const [keptParty, droppedParty, keptAgent, droppedAgent] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const input = meetingInput({
      parties: [
        { partyId: keptParty, partyTypeCode: 'PERSON_PARTY' },
        { partyId: droppedParty, partyTypeCode: 'PERSON_PARTY' },
      ],
      agents: [{ agentId: keptAgent }, { agentId: droppedAgent }],
    });
    const id = await api.create(input);
    expect(await found(`partyId=${droppedParty}`)).toEqual([id]);
    expect(await found(`agentId=${droppedAgent}`)).toEqual([id]);

    const update = await api.call('PUT', `/meetings/${id}`, {
      body: { ...input, parties: [input.parties[0]], agents: [input.agents[0]] },
    });
    expect(update.status, update.text).toBe(204);
    expect(await found(`partyId=${droppedParty}`)).toEqual([]);
    expect(await found(`agentId=${droppedAgent}`)).toEqual([]);
    expect(await found(`partyId=${keptParty}`)).toEqual([id]);
    expect(await found(`agentId=${keptAgent}`)).toEqual([id]);
  });
});
