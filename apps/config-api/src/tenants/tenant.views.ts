import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_ROLES, type ApiKeyRole } from '../api-keys/api-key.schema';

export class TenantView {
  @ApiProperty({ example: 'acme' })
  id!: string;

  @ApiProperty({ example: 'Acme Corp' })
  name!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

/** A key as listed: never the key itself, only its prefix. */
export class ApiKeyView {
  @ApiProperty({ example: 'key_8c1e0f5a9b2d4e6f7a31' })
  id!: string;

  @ApiProperty({ example: 'acme' })
  tenant_id!: string;

  @ApiProperty({ example: 'CI pipeline', description: 'Empty when none was given' })
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  role!: ApiKeyRole;

  @ApiProperty({ example: 'whk_Q2xpZW50', description: 'The first characters of the key, to tell keys apart' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: string | null;
}

export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself: shown only in this answer' })
  key!: string;
}

/** The calling tenant key. */
export class CallerView {
  @ApiProperty({ example: 'acme' })
  tenant_id!: string;

  @ApiProperty({ enum: API_KEY_ROLES, description: 'admin may change configuration, viewer may read' })
  role!: ApiKeyRole;

  @ApiProperty({ example: 'key_8c1e0f5a9b2d4e6f7a31' })
  key_id!: string;
}
