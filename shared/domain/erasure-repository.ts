import type { components } from '../generated/api-types.js';

export type Erasure = components['schemas']['Erasure'];

/**
 * Where a tenant's erasures are recorded: each erasure's partyId, when it was asked for and when
 * it completed, so that its status can be read and the erasure applied again (after a restore).
 */
export interface ErasureRepository {
  /** Records a new erasure; never overwrites. */
  record(tenantId: string, erasure: Erasure): Promise<void>;
  /** Marks a recorded erasure completed, with what it did. */
  complete(tenantId: string, erasure: Erasure & { status: 'COMPLETED' }): Promise<void>;
  get(tenantId: string, erasureId: string): Promise<Erasure | undefined>;
}
