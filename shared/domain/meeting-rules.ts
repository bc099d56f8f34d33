import { MeetingRuleViolation, type FieldViolation } from './errors.js';
import type { MeetingInput } from './meeting.js';

/** Rules across fields that the schema cannot say: unique ids, a price range that is a range. */
export function assertMeetingRules(input: MeetingInput): void {
  const violations: FieldViolation[] = [];
  const duplicates = (ids: string[], list: string, field: string) => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      const key = id.toLowerCase();
      if (seen.has(key))
        violations.push({ field: `${list}[${index}].${field}`, message: `${field} ${id} is listed twice` });
      seen.add(key);
    });
  };
  duplicates(
    input.parties.map((p) => p.partyId),
    'parties',
    'partyId',
  );
  duplicates(
    input.agents.map((a) => a.agentId),
    'agents',
    'agentId',
  );
  const price = input.priceEstimate;
  if (price && price.minPrice === undefined && price.maxPrice === undefined) {
    violations.push({ field: 'priceEstimate', message: 'priceEstimate needs minPrice, maxPrice or both' });
  }
  if (price?.minPrice !== undefined && price.maxPrice !== undefined && price.minPrice > price.maxPrice) {
    violations.push({ field: 'priceEstimate.minPrice', message: 'minPrice must not be above maxPrice' });
  }
  if (violations.length) throw new MeetingRuleViolation(violations);
}
