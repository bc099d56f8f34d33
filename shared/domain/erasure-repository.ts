import type { components } from '../generated/api-types.js';
import type { WriteOrigin } from './meeting-history.js';

export type Erasure = components['schemas']['Erasure'];

/** What an erasure has done so far. */
export interface ErasureCounts {
  meetingsErased: number;
  meetingsRedacted: number;
}

/** A recorded erasure as the worker (and a replay) carries it out. */
export interface ErasureJob {
  tenantId: string;
  erasure: Erasure;
  /** Who asked for it: the writes it makes are theirs in the meetings' history. */
  origin: WriteOrigin;
  /** Left to the worker (a party in many meetings) and not completed yet. */
  queued: boolean;
  /** What earlier runs of the worker did. */
  progress: ErasureCounts;
  /** How many times a run handed the rest on to the next (each handing-on is a ledger write). */
  handoffs: number;
}

/**
 * The erasure ledger: each erasure's partyId, who asked, when it was asked for and when it
 * completed, so that its status can be read, a queued one carried out, and every one applied
 * again after a restore of the meetings.
 */
export interface ErasureRepository {
  /** Records a new erasure (queued: the worker carries it out); never overwrites. */
  record(tenantId: string, erasure: Erasure, job: { origin: WriteOrigin; queued: boolean }): Promise<void>;
  /** Marks a recorded erasure completed, with what it did; it is no longer queued. */
  complete(tenantId: string, erasure: Erasure & { status: 'COMPLETED' }): Promise<void>;
  get(tenantId: string, erasureId: string): Promise<Erasure | undefined>;
  job(tenantId: string, erasureId: string): Promise<ErasureJob | undefined>;
  /**
   * Records a run's progress and hands the rest on to the next run; false when the job is no
   * longer at `handoffs` (another run moved it on, or it completed).
   */
  handOn(tenantId: string, erasureId: string, progress: ErasureCounts, handoffs: number): Promise<boolean>;
  /** Every recorded erasure of every tenant, oldest request first (a replay). */
  all(): Promise<ErasureJob[]>;
}
