import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const owner = uniqueTenant();
const api = useApi(owner);

describe('tenant isolation', () => {
  it("makes another tenant's meeting indistinguishable from an unknown one, and never changes it", async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const intruder = tokenFor({ tenant: uniqueTenant() });
    for (const [method, body] of [['GET'], ['PUT', { ...input, notes: 'hijacked' }], ['DELETE']] as const) {
      const response = await api.call(method, `/meetings/${id}`, { token: intruder, body });
      expect([method, response.status, response.body.errorCode]).toEqual([method, 404, 'INVALID_ID']);
    }
    const search = await api.call('GET', `/meetings?agentId=${input.agents[0]!.agentId}`, { token: intruder });
    expect(search.body).toEqual({ meetings: [], totalCount: 0 });
    const own = await api.call('GET', `/meetings/${id}`);
    expect(own.status).toBe(200);
    expect(own.body).not.toHaveProperty('notes');
  });
});
