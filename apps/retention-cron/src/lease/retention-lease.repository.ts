import type { Connection, Model } from 'mongoose';
import { retentionLeaseSchema, type RetentionLeaseDocument } from './retention-lease.schema';

const DUPLICATE_KEY = 11000;

/** Name of the lease every retention runner competes for. */
export const RETENTION_LEASE_ID = 'retention';

/** The outcome of trying to take the lease; when refused, who holds it and until when. */
export type LeaseAttempt = { acquired: true; expiresAt: Date } | { acquired: false; holder: string | null; expiresAt: Date | null };

/**
 * A lease with expiry in `retention_leases`, so that exactly one runner deletes at a time across
 * replicas. Taking it is one atomic write: an update that matches only an expired lease, or an
 * insert that fails on the duplicate `_id` when someone holds it. The holder renews it before
 * every batch; a crashed holder stops renewing and its lease lapses after its TTL.
 *
 * Expiry is judged by each runner's clock, so replicas' clocks must agree to well within the
 * TTL (NTP does; the default TTL is a minute).
 */
export class RetentionLeaseRepository {
  readonly leases: Model<RetentionLeaseDocument>;

  constructor(
    connection: Connection,
    private readonly leaseId = RETENTION_LEASE_ID,
  ) {
    this.leases = connection.model<RetentionLeaseDocument>('RetentionLease', retentionLeaseSchema);
  }

  /** Takes the lease for `holder` unless another holder's lease is still running. */
  async acquire(holder: string, ttlMs: number): Promise<LeaseAttempt> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const takeover = await this.leases.updateOne({ _id: this.leaseId, expiresAt: { $lte: now } }, { $set: { holder, acquiredAt: now, expiresAt } });
    if (takeover.matchedCount === 1) return { acquired: true, expiresAt };
    try {
      await this.leases.create({ _id: this.leaseId, holder, acquiredAt: now, expiresAt });
      return { acquired: true, expiresAt };
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
    const current = await this.current();
    return { acquired: false, holder: current?.holder ?? null, expiresAt: current?.expiresAt ?? null };
  }

  /** Extends the lease; false when `holder` no longer holds it (it lapsed and another runner took it). */
  async renew(holder: string, ttlMs: number): Promise<boolean> {
    const result = await this.leases.updateOne({ _id: this.leaseId, holder }, { $set: { expiresAt: new Date(Date.now() + ttlMs) } });
    return result.matchedCount === 1;
  }

  /** Gives the lease up, if `holder` still holds it, so the next run need not wait for it to lapse. */
  async release(holder: string): Promise<void> {
    await this.leases.deleteOne({ _id: this.leaseId, holder });
  }

  /** The lease as stored, or null when nobody holds it. */
  async current(): Promise<RetentionLeaseDocument | null> {
    return this.leases.findById(this.leaseId).lean<RetentionLeaseDocument>();
  }
}
