import type { EndpointLimits } from '../delivery/endpoint-gate';

/** Where one replica stands among the live dispatcher replicas. */
export interface ReplicaView {
  /** Live replicas, this one included. */
  count: number;
  /** This replica's place in the sorted list of live replicas, from 0. */
  rank: number;
}

/** A number from the endpoint id, the same in every replica (FNV-1a: cheap on every delivery). */
function endpointOffset(endpointId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < endpointId.length; index++) hash = Math.imul(hash ^ endpointId.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % count;
}

/**
 * This replica's part of an endpoint's limits, so that all live replicas together stay within
 * them: the rate is split evenly; the concurrency cap in whole requests, the remainder going
 * to replicas chosen by the endpoint id (so different endpoints favour different replicas).
 * A cap smaller than the number of replicas leaves some replicas a share of 0: they hand the
 * endpoint's deliveries back for a replica that has one.
 */
export function replicaShare(limits: EndpointLimits, endpointId: string, view: ReplicaView): EndpointLimits {
  if (view.count <= 1) return limits;
  const base = Math.floor(limits.maxConcurrency / view.count);
  const remainder = limits.maxConcurrency % view.count;
  const place = (view.rank - endpointOffset(endpointId, view.count) + view.count) % view.count;
  return {
    maxConcurrency: base + (place < remainder ? 1 : 0),
    ratePerSecond: limits.ratePerSecond === undefined ? undefined : limits.ratePerSecond / view.count,
  };
}
