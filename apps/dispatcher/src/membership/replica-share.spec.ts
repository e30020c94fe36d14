import { replicaShare } from './replica-share';

const endpoints = Array.from({ length: 50 }, (_, index) => `ep_${index}`);

describe('replicaShare', () => {
  it('leaves a single replica the whole limits', () => {
    expect(replicaShare({ maxConcurrency: 7, ratePerSecond: 3 }, 'ep_1', { count: 1, rank: 0 })).toEqual({ maxConcurrency: 7, ratePerSecond: 3 });
  });

  it.each([1, 2, 3, 4, 5, 7, 10, 64])('shares a cap of %i among 1 to 6 replicas exactly, none above the cap in total', (cap) => {
    for (let count = 1; count <= 6; count++) {
      for (const endpointId of endpoints) {
        const shares = Array.from({ length: count }, (_, rank) => replicaShare({ maxConcurrency: cap }, endpointId, { count, rank }).maxConcurrency);
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(cap);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('splits the rate evenly', () => {
    const shares = [0, 1, 2].map((rank) => replicaShare({ maxConcurrency: 10, ratePerSecond: 20 }, 'ep_1', { count: 3, rank }).ratePerSecond as number);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(20);
    expect(new Set(shares).size).toBe(1);
  });

  it('gives the remainder of small caps to different replicas for different endpoints', () => {
    const owners = new Set(
      endpoints.map((endpointId) => [0, 1, 2].find((rank) => replicaShare({ maxConcurrency: 1 }, endpointId, { count: 3, rank }).maxConcurrency === 1)),
    );
    expect(owners).toEqual(new Set([0, 1, 2]));
  });
});
