import type { components } from '../generated/api-types.js';
import { instantMillis } from './storable-values.js';

type Schemas = components['schemas'];
export type Meeting = Schemas['Meeting'];
export type MeetingTypeCode = Schemas['MeetingTypeCode'];
export type StatusCode = Schemas['StatusCode'];
export type SourceTypeCode = Schemas['SourceTypeCode'];
export type MeetingParty = Schemas['MeetingParty'];
export type MeetingAgent = Schemas['MeetingAgent'];
export type PriceEstimate = Schemas['PriceEstimate'];

export const READ_ONLY_FIELDS = ['meetingId', 'creationTime', 'modificationTime'] as const;

/** What a client sends on create and update: a meeting without its read-only fields. */
export type MeetingInput = Omit<Meeting, (typeof READ_ONLY_FIELDS)[number]>;

/** A meeting as storage holds it: the meeting plus the version its conditional writes check. */
export interface StoredMeeting {
  meeting: Meeting;
  version: number;
  /** The request hash of a create made with an Idempotency-Key (kept for the meeting's life). */
  idempotencyHash?: string;
  /** When a data subject was last erased from it (kept for the meeting's life, its tombstone's too). */
  erasedAt?: string;
}

export interface Tombstone {
  deleted: true;
  meetingId: string;
  version: number;
  deletionTime: string;
  idempotencyHash?: string;
  /** Erased for a data subject: it keeps no request hash, and no time to live ends it. */
  erased?: true;
  erasedAt?: string;
}

export type MeetingRecord = StoredMeeting | Tombstone;

export const isTombstone = (record: MeetingRecord): record is Tombstone => 'deleted' in record;

/**
 * When a data subject was last erased from the meeting (its erasure, for a meeting erased whole):
 * an event of the meeting from before then carries erased data, and is not delivered any more.
 */
export const lastErasure = (record: { erased?: true; deletionTime?: string; erasedAt?: string }): string | undefined =>
  record.erased ? record.deletionTime : record.erasedAt;

/** The canonical form of an instant: UTC, millisecond precision (a storable date-time only). */
export const toInstant = (dateTime: string): string => new Date(instantMillis(dateTime)).toISOString();

const DEFAULT_CURRENCY = 'EUR';

/**
 * Canonical form of a validated input: lowercase ids (ids compare case-insensitively), visitTime
 * as a UTC instant, the default currency applied, read-only fields dropped.
 */
export function normalizeInput(
  input: MeetingInput & Partial<Record<(typeof READ_ONLY_FIELDS)[number], unknown>>,
): MeetingInput {
  const { meetingId: _id, creationTime: _created, modificationTime: _modified, ...fields } = input;
  return {
    ...fields,
    parties: fields.parties.map((p) => ({ partyId: p.partyId.toLowerCase(), partyTypeCode: p.partyTypeCode })),
    agents: fields.agents.map((a) => ({ agentId: a.agentId.toLowerCase() })),
    agencyOfficeId: fields.agencyOfficeId.toLowerCase(),
    ...(fields.realtyId !== undefined ? { realtyId: fields.realtyId.toLowerCase() } : {}),
    visitTime: toInstant(fields.visitTime),
    ...(fields.priceEstimate !== undefined
      ? {
          priceEstimate: {
            ...fields.priceEstimate,
            currencyCode: fields.priceEstimate.currencyCode ?? DEFAULT_CURRENCY,
          },
        }
      : {}),
  };
}

/** The next modificationTime: now, but always strictly after the previous one. */
export function nextModificationTime(now: Date, previous?: string): string {
  const floor = previous ? Date.parse(previous) + 1 : 0;
  return new Date(Math.max(now.getTime(), floor)).toISOString();
}

/**
 * The form free-text search compares in (the document's freeTextSearch says the same): lowercase;
 * compatibility decomposition (ligatures and width variants become their letters: ﬁ = fi,
 * Ａ = a); combining marks removed (ä = a, ö = o, å = a, é = e); ß = ss and final ς = σ, as
 * Unicode case folding has them.
 */
export const foldText = (text: string): string =>
  text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').replace(/ς/g, 'σ');

/**
 * The text free-text search looks in (notes and the realty's address fields), folded, as its
 * distinct words. A search term holds no whitespace, so it can only occur inside one word: the
 * distinct words match exactly what the whole text matches, and keep the stored text small (a
 * compatibility decomposition can make one character eleven times longer, ﷺ, and a note of 10,000
 * such characters is mostly repetition).
 */
export const searchableText = (meeting: MeetingInput): string => {
  const text = [
    meeting.notes,
    meeting.meetingRealty.streetAddress,
    meeting.meetingRealty.postcode,
    meeting.meetingRealty.postalArea,
  ]
    .filter((part): part is string => part !== undefined)
    .join('\n');
  return [...new Set(foldText(text).split(/\s+/u).filter(Boolean))].join(' ');
};

/** The fields of a meeting, in the order of the reference. */
export const MEETING_FIELD_ORDER = [
  'meetingId',
  'typeCode',
  'statusCode',
  'parties',
  'realtyId',
  'visitTime',
  'agencyOfficeId',
  'agents',
  'sourceTypeCode',
  'meetingRealty',
  'priceEstimate',
  'notes',
  'creationTime',
  'modificationTime',
] as const satisfies ReadonlyArray<keyof Meeting>;
const REALTY_FIELD_ORDER = ['categoryCode', 'subCategoryCode', 'streetAddress', 'postcode', 'postalArea'] as const;
const PRICE_FIELD_ORDER = ['minPrice', 'maxPrice', 'currencyCode'] as const;

const ordered = <T extends object>(value: T, order: readonly string[]): T =>
  Object.fromEntries(
    order
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, (value as Record<string, unknown>)[key]]),
  ) as T;

/** One field's value with its nested fields in the order of the reference (storage keeps maps unordered). */
export function canonicalField<F extends keyof Meeting>(field: F, value: Meeting[F]): Meeting[F] {
  if (value === undefined || value === null) return value;
  if (field === 'parties')
    return (value as MeetingParty[]).map((p) => ordered(p, ['partyId', 'partyTypeCode'])) as Meeting[F];
  if (field === 'meetingRealty') return ordered(value as Meeting['meetingRealty'], REALTY_FIELD_ORDER) as Meeting[F];
  if (field === 'priceEstimate') return ordered(value as PriceEstimate, PRICE_FIELD_ORDER) as Meeting[F];
  return value;
}

/** The meeting with its fields in the order of the reference, whatever order storage kept them in. */
export function canonicalMeeting(meeting: Meeting): Meeting {
  const result = ordered(meeting, MEETING_FIELD_ORDER);
  for (const field of ['parties', 'meetingRealty', 'priceEstimate'] as const)
    if (result[field] !== undefined) (result as Record<string, unknown>)[field] = canonicalField(field, result[field]);
  return result;
}
