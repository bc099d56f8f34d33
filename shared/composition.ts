import { lookup } from 'node:dns/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  readCalendarConfig,
  readErasureLedgerTableName,
  readFeedConfig,
  readStorageConfig,
  readStoreConnection,
  readWebhookConfig,
  type StorageConfig,
} from './config.js';
import type { ErasureRepository } from './domain/erasure-repository.js';
import { createDocumentClient } from './dynamodb/document-client.js';
import { DynamoDbCalendarFeedRepository } from './dynamodb/dynamodb-calendar-feed-repository.js';
import { DynamoDbErasureRepository } from './dynamodb/dynamodb-erasure-repository.js';
import { DynamoDbMeetingRepository } from './dynamodb/dynamodb-meeting-repository.js';
import { DynamoDbSubscriptionRepository } from './dynamodb/dynamodb-subscription-repository.js';
import type { CalendarFeedDeps } from './use-cases/calendar-feed-use-cases.js';
import type { MeetingDeps } from './use-cases/meeting-use-cases.js';
import type { PrivacyDeps } from './use-cases/privacy-use-cases.js';
import type { SubscriptionDeps } from './use-cases/subscription-use-cases.js';
import type { DeliveryDeps } from './webhooks/attempt-delivery.js';

let config: StorageConfig | undefined;
let client: DynamoDBDocumentClient | undefined;
let deps: MeetingDeps | undefined;

/** Read once per cold start; fails fast on bad config. */
const storageConfig = (): StorageConfig => (config ??= readStorageConfig());

/** The one DynamoDB client of this runtime (tests add fault-injecting middleware to its stack). */
export function documentClient(): DynamoDBDocumentClient {
  return (client ??= createDocumentClient(readStoreConnection()));
}

/** The use cases' dependencies, built once per cold start from the environment. */
export function meetingDeps(): MeetingDeps {
  if (deps) return deps;
  const { settleDelayMs, writeDeadlineMs } = readFeedConfig();
  const repository = new DynamoDbMeetingRepository(documentClient(), storageConfig().tableName, {
    writeDeadlineMs,
  });
  return (deps = { repository, settleDelayMs });
}

let ledger: ErasureRepository | undefined;

/** The erasure ledger (its own table), built once per cold start. */
export function erasureLedger(): ErasureRepository {
  return (ledger ??= new DynamoDbErasureRepository(documentClient(), readErasureLedgerTableName()));
}

let privacy: PrivacyDeps | undefined;

/** The privacy use cases' dependencies (the meetings' and the erasure ledger), built once per cold start. */
export function privacyDeps(): PrivacyDeps {
  return (privacy ??= { ...meetingDeps(), erasures: erasureLedger() });
}

let calendarFeeds: CalendarFeedDeps | undefined;

/** The calendar feed use cases' dependencies (feeds and the meetings they list), built once per cold start. */
export function calendarFeedDeps(): CalendarFeedDeps {
  return (calendarFeeds ??= {
    feeds: new DynamoDbCalendarFeedRepository(documentClient(), storageConfig().tableName),
    repository: meetingDeps().repository,
    eventMinutes: readCalendarConfig().eventMinutes,
  });
}

let subscriptions: SubscriptionDeps | undefined;

/** The subscription use cases' dependencies, built once per cold start. */
export function subscriptionDeps(): SubscriptionDeps {
  return (subscriptions ??= {
    repository: new DynamoDbSubscriptionRepository(documentClient(), storageConfig().tableName),
    policy: readWebhookConfig(),
    resolveHost: resolveAllAddresses,
  });
}

/** The delivery function's dependencies: the subscriptions', and the meetings' erasures. */
export function deliveryDeps(): DeliveryDeps {
  return {
    ...subscriptionDeps(),
    meetings: new DynamoDbMeetingRepository(documentClient(), storageConfig().tableName),
  };
}

/** Every address of a host name (IPv4 and IPv6), or none when it does not resolve. */
export async function resolveAllAddresses(hostname: string): Promise<string[]> {
  try {
    return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}
