import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-client.js';

const api = useApi();

describe('keys named like Object.prototype members', () => {
  it('treats __proto__ and constructor query parameters and headers as plain unknown entries (400, never 500)', async () => {
    for (const query of ['__proto__=&size=', '__proto__=1', 'constructor=x', 'hasOwnProperty=1&size=2']) {
      const response = await api.call('GET', `/meetings?${query}`);
      expect([query, response.status, response.body.errorCode]).toEqual([query, 400, 'BAD_REQUEST_PARAMETERS']);
    }
    // JSON.parse makes "__proto__" an own key (an object literal would set the prototype instead)
    const headers = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    expect(Object.keys(headers)).toEqual(['__proto__', 'constructor']);
    const withHeader = await api.call('GET', '/meetings', { headers });
    expect(withHeader.status).toBe(200);
  });
});
