import type { RetentionPolicyView } from '@wirehook/contracts';
import type { RetentionDays, RetentionRules } from '@wirehook/delivery-logs';
import type { RetentionPolicyRepository } from './retention-policy.repository';
import type { RetentionPolicyDocument } from './retention-policy.schema';

/**
 * Retention policies: the platform defaults (from the environment) and tenants' overrides (in
 * MongoDB). Inputs are validated at the edge (the request messages); this decides what applies.
 */
export class RetentionPolicyService {
  constructor(
    private readonly repository: RetentionPolicyRepository,
    private readonly defaults: RetentionDays,
  ) {}

  /** The policy that applies to the tenant. */
  async effective(tenantId: string): Promise<RetentionPolicyView> {
    return this.view(tenantId, await this.repository.find(tenantId));
  }

  /** Sets the tenant's override. */
  async set(tenantId: string, days: RetentionDays): Promise<RetentionPolicyView> {
    return this.view(tenantId, await this.repository.save(tenantId, days, new Date()));
  }

  /** Removes the tenant's override; the defaults apply again. */
  async reset(tenantId: string): Promise<RetentionPolicyView> {
    await this.repository.remove(tenantId);
    return this.view(tenantId, null);
  }

  /** Everything a retention pass applies, read once at its start. */
  async rules(): Promise<RetentionRules> {
    return { defaults: this.defaults, overrides: await this.repository.all() };
  }

  private view(tenantId: string, override: RetentionPolicyDocument | null): RetentionPolicyView {
    const days = override ?? this.defaults;
    return {
      tenant_id: tenantId,
      success_days: days.successDays,
      failed_days: days.failedDays,
      source: override ? 'tenant' : 'default',
      defaults: { success_days: this.defaults.successDays, failed_days: this.defaults.failedDays },
      updated_at: override ? override.updatedAt.toISOString() : null,
    };
  }
}
