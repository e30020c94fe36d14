import { Schema } from 'mongoose';

/** The one document that says who may delete: `_id` is the lease name. */
export interface RetentionLeaseDocument {
  _id: string;
  /** `<host>:<pid>:<run id>` of the run holding it. */
  holder: string;
  acquiredAt: Date;
  /** The lease lapses at this instant unless renewed, so a crashed holder blocks nobody for long. */
  expiresAt: Date;
}

export const RETENTION_LEASES_COLLECTION = 'retention_leases';

export const retentionLeaseSchema = new Schema<RetentionLeaseDocument>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    acquiredAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: RETENTION_LEASES_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false },
);
