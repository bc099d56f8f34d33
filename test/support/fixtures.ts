import { randomUUID } from 'node:crypto';
import type { MeetingInput } from '../../shared/domain/meeting.js';

export const uniqueTenant = () => `t-${randomUUID()}`;

/** A valid create/update body; override what a test is about. */
export function meetingInput(overrides: Partial<MeetingInput> = {}): MeetingInput {
  return {
    typeCode: 'SALES_MEETING',
    statusCode: 'WAITING',
    parties: [{ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' }],
    visitTime: '2026-12-31T10:00:00+02:00',
    agencyOfficeId: randomUUID(),
    agents: [{ agentId: randomUUID() }],
    sourceTypeCode: 'ETUOVI',
    meetingRealty: { categoryCode: 'SALE', streetAddress: 'Mannerheimintie 1', postcode: '00100', postalArea: 'Helsinki' },
    ...overrides,
  };
}
