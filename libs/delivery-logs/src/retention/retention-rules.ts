import type { DeliveryStatus } from '@wirehook/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long deliveries of one tenant are kept, by final state, in days. */
export interface RetentionDays {
  successDays: number;
  failedDays: number;
}

/** The platform defaults and the tenants that override them. */
export interface RetentionRules {
  defaults: RetentionDays;
  overrides: ReadonlyMap<string, RetentionDays>;
}

/**
 * States a delivery never leaves on its own, the only ones retention deletes: a `pending` or
 * `retrying` delivery is still being worked on, whatever its age.
 */
export const FINAL_DELIVERY_STATUSES = ['success', 'failed'] as const satisfies readonly DeliveryStatus[];
export type FinalDeliveryStatus = (typeof FINAL_DELIVERY_STATUSES)[number];

/**
 * Attempts are matched with some slack past the delivery's cutoff: an attempt's time comes from
 * the dispatcher's clock and the delivery's `updatedAt` from log-service's, so a small skew
 * must not leave an attempt behind its deleted delivery. An attempt newer than that (a manual
 * retry racing with the run) is a live one and is never touched.
 */
export const ATTEMPT_CLOCK_SKEW_ALLOWANCE_MS = 60 * 60 * 1000;

/** The retention a tenant gets: its override, or the defaults. */
export function retentionDaysOf(rules: RetentionRules, tenantId: string): RetentionDays {
  return rules.overrides.get(tenantId) ?? rules.defaults;
}

/**
 * The instant before which a delivery in `status` has expired: a delivery expires once it has
 * stayed in its final state (its `updatedAt`) for longer than the tenant's period for that state.
 */
export function expiryCutoff(now: Date, days: RetentionDays, status: FinalDeliveryStatus): Date {
  return new Date(now.getTime() - (status === 'success' ? days.successDays : days.failedDays) * DAY_MS);
}
