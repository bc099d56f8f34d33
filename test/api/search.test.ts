import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { validate as validateSearchResult } from '../../shared/generated/validators/MeetingSearchResult.cjs';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());
const office = [randomUUID(), randomUUID()];
const agent = [randomUUID(), randomUUID()];
const party = [randomUUID(), randomUUID()];
const ids: Record<string, string> = {};

/** Five meetings that differ in every filterable field; the letters say which is which. */
beforeAll(async () => {
  const specs = {
    A: {
      statusCode: 'WAITING',
      typeCode: 'SALES_MEETING',
      sourceTypeCode: 'ETUOVI',
      visitTime: '2026-05-01T08:00:00Z',
      agencyOfficeId: office[0],
      agents: [{ agentId: agent[0] }],
      parties: [{ partyId: party[0], partyTypeCode: 'PERSON_PARTY' }],
      notes: 'Asiakas haluaa myydä pian',
    },
    B: {
      statusCode: 'WON',
      typeCode: 'EVALUATION_VISIT',
      sourceTypeCode: 'OIKOTIE',
      visitTime: '2026-05-02T08:00:00Z',
      agencyOfficeId: office[0],
      agents: [{ agentId: agent[0] }, { agentId: agent[1] }],
      parties: [{ partyId: party[1], partyTypeCode: 'ESTATE_PARTY' }],
      meetingRealty: { categoryCode: 'SALE', streetAddress: 'Hämeentie 5', postalArea: 'Helsinki' },
    },
    C: {
      statusCode: 'LOST',
      typeCode: 'SALES_MEETING',
      sourceTypeCode: 'HOME_PAGE',
      visitTime: '2026-05-03T08:00:00Z',
      agencyOfficeId: office[1],
      agents: [{ agentId: agent[1] }],
      parties: [
        { partyId: party[0], partyTypeCode: 'PERSON_PARTY' },
        { partyId: party[1], partyTypeCode: 'ESTATE_PARTY' },
      ],
      meetingRealty: { categoryCode: 'RENT', streetAddress: 'Åbovägen 3', postalArea: 'Turku' },
    },
    D: {
      statusCode: 'CANCELLED',
      typeCode: 'EVALUATION_VISIT',
      sourceTypeCode: 'ETUOVI',
      visitTime: '2026-05-04T08:00:00Z',
      agencyOfficeId: office[1],
      agents: [{ agentId: agent[0] }],
      parties: [{ partyId: party[1], partyTypeCode: 'ESTATE_PARTY' }],
    },
    E: {
      statusCode: 'WAITING',
      typeCode: 'SALES_MEETING',
      sourceTypeCode: 'CHATBOT',
      visitTime: '2026-05-05T08:00:00Z',
      agencyOfficeId: office[1],
      agents: [{ agentId: agent[1] }],
      parties: [{ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' }],
    },
  } as const;
  for (const [name, spec] of Object.entries(specs)) ids[name] = await api.create(meetingInput(spec as never));
  // a deleted meeting never matches
  await api.call('DELETE', `/meetings/${await api.create(meetingInput({ agencyOfficeId: office[0] }))}`);
});

async function search(query: string) {
  const response = await api.call('GET', `/meetings${query ? `?${query}` : ''}`);
  expect(response.status, response.text).toBe(200);
  expect(validateSearchResult(response.body)).toBe(true);
  const names = response.body.meetings.map((m: { meetingId: string }) =>
    Object.keys(ids).find((k) => ids[k] === m.meetingId),
  );
  return { names: names.join(''), totalCount: response.body.totalCount as number };
}

describe('search filters', () => {
  it('returns every meeting of the tenant by visitTime ascending, deleted ones excluded', async () => {
    expect(await search('')).toEqual({ names: 'ABCDE', totalCount: 5 });
  });

  it.each([
    ['statusCode=WAITING', 'AE'],
    ['statusCode=WON,LOST', 'BC'],
    ['statusCode=WON&statusCode=CANCELLED', 'BD'],
    ['typeCode=EVALUATION_VISIT', 'BD'],
    ['sourceTypeCode=ETUOVI,CHATBOT', 'ADE'],
    [`agencyOfficeId=${office[0]}`, 'AB'],
    [`agencyOfficeId=${office[1]!.toUpperCase()}`, 'CDE'],
    [`agentId=${agent[0]}`, 'ABD'],
    [`agentId=${agent[0]}&agentId=${agent[1]}`, 'ABCDE'],
    [`partyId=${party[0]}`, 'AC'],
    [`partyId=${party[1]}&agentId=${agent[1]}`, 'BC'],
    [`agencyOfficeId=${office[1]}&statusCode=WAITING,LOST&typeCode=SALES_MEETING`, 'CE'],
    ['freeTextSearch=hameentie', 'B'],
    ['freeTextSearch=ABOVAGEN%20turku', 'C'],
    ['freeTextSearch=myyda', 'A'],
    ['freeTextSearch=helsinki%20turku', ''],
    ['visitTimeAfter=2026-05-02T08:00:00Z', 'CDE'],
    ['visitTimeBefore=2026-05-02T11:00:00%2B03:00', 'A'],
    ['visitTimeAfter=2026-05-01T08:00:00Z&visitTimeBefore=2026-05-04T08:00:00Z', 'BC'],
    ['visitTimeAfter=2026-05-04T00:00:00Z&visitTimeBefore=2026-05-02T00:00:00Z', ''],
    // a driving index (party, agent, office) with a visitTime window and further filters
    [`partyId=${party[1]}&visitTimeAfter=2026-05-02T08:00:00Z`, 'CD'],
    [`partyId=${party[0]},${party[1]}&visitTimeBefore=2026-05-03T08:00:00Z`, 'AB'],
    [`agentId=${agent[0]}&visitTimeAfter=2026-05-01T08:00:00Z&visitTimeBefore=2026-05-04T08:00:01Z`, 'BD'],
    [`agentId=${agent[1]}&statusCode=WAITING,LOST&freeTextSearch=turku`, 'C'],
    [`agencyOfficeId=${office[1]}&visitTimeAfter=2026-05-03T08:00:00Z&typeCode=SALES_MEETING`, 'E'],
    [`agencyOfficeId=${office[0]},${office[1]}&partyId=${party[0]}&agentId=${agent[1]}`, 'C'],
    [`partyId=${randomUUID()}`, ''],
  ])('%s -> %s', async (query, expected) => {
    expect(await search(query)).toEqual({ names: expected, totalCount: expected.length });
  });

  it('filters by modifiedAfter strictly, alone (its own index) and with a driving filter', async () => {
    const b = (await api.call('GET', `/meetings/${ids.B}`)).body;
    const after = encodeURIComponent(b.modificationTime);
    expect((await search(`modifiedAfter=${after}`)).names).toBe('CDE');
    expect((await search(`modifiedAfter=${after}&agencyOfficeId=${office[0]}`)).names).toBe('');
    expect((await search(`modifiedAfter=${after}&agentId=${agent[0]}`)).names).toBe('D');
  });

  it('follows updates: a meeting moved to another agent, office and time is found by the new ones only', async () => {
    const input = meetingInput({
      agencyOfficeId: office[0],
      agents: [{ agentId: agent[0]! }],
      visitTime: '2026-06-01T00:00:00Z',
    });
    const id = await api.create(input);
    const newAgent = randomUUID();
    await api.call('PUT', `/meetings/${id}`, {
      body: { ...input, agencyOfficeId: office[1], agents: [{ agentId: newAgent }], visitTime: '2026-06-02T00:00:00Z' },
    });
    const find = async (query: string) =>
      (await api.call('GET', `/meetings?${query}`)).body.meetings.map((m: { meetingId: string }) => m.meetingId);
    expect(await find(`agentId=${newAgent}&visitTimeAfter=2026-06-01T12:00:00Z`)).toEqual([id]);
    expect(await find(`agentId=${agent[0]}&visitTimeAfter=2026-05-31T00:00:00Z`)).toEqual([]);
    expect(await find(`agencyOfficeId=${office[0]}&visitTimeAfter=2026-05-31T00:00:00Z`)).toEqual([]);
    await api.call('DELETE', `/meetings/${id}`);
    expect(await find(`agentId=${newAgent}`)).toEqual([]);
  });
});

describe('sorting and paging', () => {
  it('sorts by visitTime desc and by modificationTime', async () => {
    expect((await search('sort=visitTime|desc')).names).toBe('EDCBA');
    expect((await search('sort=modificationTime|asc')).names).toBe('ABCDE');
    expect((await search('sort=modificationTime|desc,visitTime|asc')).names).toBe('EDCBA');
  });

  it('pages with startIndex and size, totalCount counting all matches', async () => {
    expect(await search('size=2')).toEqual({ names: 'AB', totalCount: 5 });
    expect(await search('size=2&startIndex=2')).toEqual({ names: 'CD', totalCount: 5 });
    expect(await search('size=2&startIndex=4')).toEqual({ names: 'E', totalCount: 5 });
    expect(await search('startIndex=5')).toEqual({ names: '', totalCount: 5 });
    expect(await search('startIndex=9999&size=1')).toEqual({ names: '', totalCount: 5 });
    expect(await search(`agentId=${agent[0]}&sort=visitTime|desc&size=2`)).toEqual({ names: 'DB', totalCount: 3 });
    expect(await search(`agentId=${agent[0]}&sort=visitTime|desc&size=2&startIndex=2`)).toEqual({
      names: 'A',
      totalCount: 3,
    });
  });

  it('answers 400 BAD_REQUEST_PARAMETERS for bad parameters', async () => {
    for (const query of [
      'size=0',
      'size=101',
      'startIndex=-1',
      'startIndex=2147483648',
      'startIndex=2147483647&size=100',
      'startIndex=9951',
      'statusCode=DONE',
      'sort=notes|asc',
      'sort=visitTime|asc&sort=visitTime|desc',
      'size=1&size=2',
      'colour=red',
      'agentId=',
      'visitTimeAfter=tomorrow',
    ]) {
      const response = await api.call('GET', `/meetings?${query}`);
      expect([query, response.status, response.body.errorCode]).toEqual([query, 400, 'BAD_REQUEST_PARAMETERS']);
      expect(response.body.errors.length).toBeGreaterThan(0);
    }
  });
});
