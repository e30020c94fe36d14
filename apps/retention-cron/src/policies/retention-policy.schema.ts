import { Schema } from 'mongoose';

/** A tenant's retention override. `_id` is the tenant id; tenants without one get the defaults. */
export interface RetentionPolicyDocument {
  _id: string;
  successDays: number;
  failedDays: number;
  updatedAt: Date;
}

export const RETENTION_POLICIES_COLLECTION = 'retention_policies';

export const retentionPolicySchema = new Schema<RetentionPolicyDocument>(
  {
    _id: { type: String, required: true },
    successDays: { type: Number, required: true },
    failedDays: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: RETENTION_POLICIES_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false },
);
