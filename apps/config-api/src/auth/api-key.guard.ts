import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiErrorCode } from '@wirehook/contracts';
import { PUBLIC_ROUTE_KEY } from '@wirehook/metrics';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';
import { ACCESS_KEY, type AuthenticatedRequest } from './access.decorator';
import type { AccessLevel, Principal } from './principal';

/**
 * How stale a key's `lastUsedAt` may get: recording it on every request would be one database
 * write per API call; a minute is precise enough to tell a key that is in use from one that is not.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Authenticates every request by its bearer key and checks the route's declared access. The
 * operator key is compared in constant time; tenant keys are looked up by their SHA-256 hash,
 * so revoking a key takes effect on the next request.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly operatorKeyHash: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    config: ConfigApiConfig,
  ) {
    this.operatorKeyHash = createHash('sha256').update(config.ADMIN_API_KEY).digest();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (level === 'public' || this.reflector.get<boolean | undefined>(PUBLIC_ROUTE_KEY, context.getHandler())) return true;
    if (!level) throw new DomainError('forbidden', ApiErrorCode.forbidden, 'this route is not open to API keys');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    request.principal = principal;
    if (level === 'operator') {
      if (principal.kind !== 'operator') throw new DomainError('forbidden', ApiErrorCode.forbidden, 'this route needs the operator key (ADMIN_API_KEY)');
      return true;
    }
    if (principal.kind !== 'tenant') throw new DomainError('forbidden', ApiErrorCode.forbidden, 'this route needs a tenant API key');
    if (level === 'admin' && principal.role !== 'admin') {
      throw new DomainError('forbidden', ApiErrorCode.forbidden, 'this route needs a tenant key with the admin role');
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new DomainError('unauthorized', ApiErrorCode.unauthorized, 'missing API key: send Authorization: Bearer <key>');
    const key = match[1];
    const presented = createHash('sha256').update(key).digest();
    if (timingSafeEqual(presented, this.operatorKeyHash)) return { kind: 'operator' };
    const stored = await this.keys.findActiveByHash(presented.toString('hex'));
    if (!stored) throw new DomainError('unauthorized', ApiErrorCode.unauthorized, 'invalid or revoked API key');
    const now = new Date();
    if (!stored.lastUsedAt || now.getTime() - stored.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      void this.keys.touch(stored._id, now).catch(() => undefined);
    }
    return { kind: 'tenant', tenantId: stored.tenantId, role: stored.role, keyId: stored._id };
  }
}
