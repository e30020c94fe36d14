import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessLevel, Principal } from './principal';

export const ACCESS_KEY = 'wirehook:access';

/** Declares who may call a route. Routes without it are refused: access is never implicit. */
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);

export type AuthenticatedRequest = Request & { principal?: Principal };

/** The id of the calling tenant key (routes with `viewer` or `admin` access). */
export const KeyId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal?.kind !== 'tenant') throw new Error('KeyId used on a route without tenant access');
  return principal.keyId;
});

/** The tenant of the calling tenant key (routes with `viewer` or `admin` access). */
export const TenantId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal?.kind !== 'tenant') throw new Error('TenantId used on a route without tenant access');
  return principal.tenantId;
});
