/**
 * The distinct ids of `items` per tenant, in first-seen order: every read and write of the logs
 * names one tenant, so a batch spanning tenants becomes one command per tenant.
 */
export function idsByTenant<T extends { tenantId: string }>(items: readonly T[], idOf: (item: T) => string): Map<string, string[]> {
  const byTenant = new Map<string, Set<string>>();
  for (const item of items) {
    let ids = byTenant.get(item.tenantId);
    if (!ids) byTenant.set(item.tenantId, (ids = new Set()));
    ids.add(idOf(item));
  }
  return new Map([...byTenant].map(([tenantId, ids]) => [tenantId, [...ids]]));
}
