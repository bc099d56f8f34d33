/**
 * The enrichment of the stream -> event bus pipe: the table's stream records (meeting items, as
 * the pipe's filter passes them) become CloudEvents, with the same code the local runner uses.
 */
import type { MeetingCloudEvent } from '../../shared/domain/meeting-events.js';
import { eventOfStreamChange, type StreamChange } from '../../shared/dynamodb/stream-events.js';

export const handler = async (records: StreamChange[]): Promise<MeetingCloudEvent[]> =>
  Promise.resolve(records.flatMap((record) => eventOfStreamChange(record) ?? []));
