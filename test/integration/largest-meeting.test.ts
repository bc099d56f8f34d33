/**
 * The largest meeting the contract allows, in every dimension at once, on DynamoDB Local through
 * the repository: it is stored, found, updated and shrunk, and its writes keep a pinned margin
 * under DynamoDB's limits (item 400 KB, transaction 4 MB and 100 items). Sizes are DynamoDB's item
 * size rules, counted from above; write units are what DynamoDB Local reports.
 */
import { randomUUID } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { foldText, type MeetingInput, type StoredMeeting } from '../../shared/domain/meeting.js';
import { foldSearchTerms } from '../../shared/domain/search.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { searchMeetings } from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, meetingOf, ORIGIN, searchCriteria, uniqueTenant } from '../../support/fixtures.js';

const ITEM_LIMIT = 400 * 1024;
const TRANSACTION_LIMIT = 4 * 1024 * 1024;
/** The pinned margins: what the largest meeting may use of each limit. */
const MAX_ITEM_SHARE = 0.75;
const MAX_TRANSACTION_SHARE = 0.25;
const MAX_TRANSACTION_ITEMS = 72; // 1 meeting + 50 party + 20 agent slots + 1 history entry, of DynamoDB's 100

const config = readStorageConfig();
const client = createDocumentClient(config);
const writes: Array<{ items: NonNullable<TransactWriteCommandInput['TransactItems']>; writeUnits: number }> = [];
client.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
    const input = args.input as Record<string, unknown>;
    input.ReturnConsumedCapacity = 'TOTAL';
    const result = await next(args);
    const consumed = (result.output as { ConsumedCapacity?: Array<{ CapacityUnits?: number }> }).ConsumedCapacity ?? [];
    writes.push({
      items: input.TransactItems as never,
      writeUnits: consumed.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0),
    });
    return result;
  },
  { step: 'initialize', name: 'measureWrites' },
);
// Meetings with fixed past modification times: no write deadline.
const repository = new DynamoDbMeetingRepository(client, config.tableName, NO_WRITE_DEADLINE);

/** DynamoDB's item size (names + values; numbers counted as their digits + 1, containers + 3 and + 1 per element), from above. */
function itemSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return String(value).length + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + itemSize(v), 0);
  if (typeof value === 'object')
    return 3 + Object.entries(value).reduce((n, [k, v]) => n + Buffer.byteLength(k) + 1 + itemSize(v), 0);
  return 0;
}
const topLevelSize = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + itemSize(v), 0);
/** The size of each item a transaction writes (a Put's item, a Delete's key). */
const itemSizes = (write: (typeof writes)[number]) =>
  write.items.map((item) => topLevelSize((item.Put?.Item ?? item.Delete?.Key) as Record<string, unknown>));

/**
 * ㌖ folds to キロメートル (3 bytes to 18) with no space: the longest folded text a 10,000-character
 * note can have once stored as distinct words (shared/domain/meeting.ts, searchableText). ﷺ folds to
 * 33 bytes, spaces included: 330 KB of words before they are made distinct.
 */
const WIDEST = ['\u3316', '\uFDFA'];
const largest = (WIDE: string): MeetingInput =>
  meetingInput({
    parties: Array.from({ length: 50 }, (_, i) => ({
      partyId: randomUUID(),
      partyTypeCode: i % 2 ? 'ESTATE_PARTY' : 'ORGANIZATION_PARTY',
    })),
    agents: Array.from({ length: 20 }, () => ({ agentId: randomUUID() })),
    realtyId: randomUUID(),
    notes: WIDE.repeat(10_000),
    meetingRealty: {
      categoryCode: 'RENT',
      subCategoryCode: 'COMMERCIAL_PROPERTY',
      streetAddress: WIDE.repeat(500),
      postcode: WIDE.repeat(20),
      postalArea: WIDE.repeat(200),
    },
    priceEstimate: { minPrice: 123456789012.5, maxPrice: 1e12, currencyCode: 'EUR' },
  });

describe('the largest meeting the contract allows', () => {
  it.each(WIDEST)(
    'is stored, found, updated and shrunk with a pinned margin under every DynamoDB limit (text of %s)',
    async (WIDE) => {
      const tenant = uniqueTenant();
      const meetingId = randomUUID();
      const input = largest(WIDE);
      writes.length = 0;
      await repository.create(tenant, meetingOf(input, { meetingId }), ORIGIN);

      const [create] = writes;
      const sizes = itemSizes(create!);
      const transactionBytes = sizes.reduce((a, b) => a + b, 0);
      expect(create!.items.length).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
      expect(Math.max(...sizes)).toBeLessThan(MAX_ITEM_SHARE * ITEM_LIMIT);
      expect(transactionBytes).toBeLessThan(MAX_TRANSACTION_SHARE * TRANSACTION_LIMIT);
      console.info(
        `largest meeting (${WIDE}), create: ${create!.items.length} items, meeting item ${Math.max(...sizes)} B, link item ${Math.max(...sizes.slice(1, -1))} B, history item ${sizes.at(-1)} B, ` +
          `transaction ${transactionBytes} B, ${create!.writeUnits} write units (DynamoDB Local)`,
      );

      const record = (await repository.get(tenant, meetingId)) as StoredMeeting;
      expect(record.meeting).toEqual(meetingOf(input, { meetingId }));
      const criteria = searchCriteria();
      const byPartyAndText = {
        ...criteria,
        partyId: [input.parties[49]!.partyId],
        freeTextTerms: foldSearchTerms(foldText(WIDE).split(' ')[0]!),
      };
      expect((await searchMeetings({ repository }, tenant, byPartyAndText)).totalCount).toBe(1);
      expect(
        (await searchMeetings({ repository }, tenant, { ...criteria, agentId: [input.agents[19]!.agentId] }))
          .totalCount,
      ).toBe(1);

      // Every field replaced by another of the largest size: the history entry holds both values of each.
      const other: MeetingInput = {
        ...largest(WIDE),
        notes: `${WIDE.repeat(9_999)}.`,
        meetingRealty: {
          ...input.meetingRealty,
          streetAddress: `${WIDE.repeat(499)}.`,
          postcode: `${WIDE.repeat(19)}.`,
          postalArea: `${WIDE.repeat(199)}.`,
        },
      };
      writes.length = 0;
      await repository.replace(
        tenant,
        record,
        meetingOf(other, { meetingId, modificationTime: '2026-01-01T12:00:00.000Z' }),
        ORIGIN,
      );
      const replaceSizes = itemSizes(writes[0]!);
      const historyItem = writes[0]!.items.at(-1)!.Put!.Item as Record<string, unknown>;
      expect(String(historyItem.sk)).toMatch(/^HISTORY#/);
      expect((historyItem.entry as { changes: Array<{ field: string }> }).changes.map((c) => c.field)).toEqual(
        expect.arrayContaining(['parties', 'realtyId', 'agents', 'meetingRealty', 'notes']),
      );
      expect(writes[0]!.items.length).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
      expect(Math.max(...replaceSizes)).toBeLessThan(MAX_ITEM_SHARE * ITEM_LIMIT);
      expect(replaceSizes.reduce((a, b) => a + b, 0)).toBeLessThan(MAX_TRANSACTION_SHARE * TRANSACTION_LIMIT);
      console.info(
        `largest meeting (${WIDE}), replace of every field: history item ${topLevelSize(historyItem)} B, ` +
          `transaction ${replaceSizes.reduce((a, b) => a + b, 0)} B, ${writes[0]!.writeUnits} write units (DynamoDB Local)`,
      );
      const replaced = (await repository.get(tenant, meetingId)) as StoredMeeting;

      // Shrink to the smallest: every slot beyond the first is deleted in the same transaction.
      const small = meetingInput({ parties: [input.parties[0]!], agents: [input.agents[0]!], notes: 'small now' });
      writes.length = 0;
      await repository.replace(
        tenant,
        replaced,
        meetingOf(small, { meetingId, modificationTime: '2026-01-02T00:00:00.000Z' }),
        ORIGIN,
      );
      expect(writes[0]!.items.length).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
      console.info(
        `largest meeting (${WIDE}), shrink: ${writes[0]!.items.length} items, ${writes[0]!.writeUnits} write units (DynamoDB Local)`,
      );
      expect(((await repository.get(tenant, meetingId)) as StoredMeeting).meeting.notes).toBe('small now');
      expect(
        (await searchMeetings({ repository }, tenant, { ...criteria, partyId: [input.parties[49]!.partyId] }))
          .totalCount,
      ).toBe(0);
      expect(
        (
          await searchMeetings({ repository }, tenant, {
            ...criteria,
            partyId: [input.parties[0]!.partyId],
            freeTextTerms: ['small'],
          })
        ).totalCount,
      ).toBe(1);
    },
  );
});
