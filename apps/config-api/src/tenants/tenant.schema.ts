import { Schema } from 'mongoose';

export interface TenantDocument {
  /** The tenant id: a subject-safe slug, part of every event subject. */
  _id: string;
  name: string;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANTS_COLLECTION = 'tenants';

export const tenantSchema = new Schema<TenantDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: TENANTS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false },
);
