import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { TENANT_ID_PATTERN } from '@wirehook/contracts';
import { API_KEY_ROLES, type ApiKeyRole } from '../api-keys/api-key.schema';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'acme', description: 'Tenant id used in event subjects; generated from the name when absent.' })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'id must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit' })
  id?: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ enum: API_KEY_ROLES, example: 'admin' })
  @IsIn(API_KEY_ROLES, { message: `role must be one of ${API_KEY_ROLES.join(', ')}` })
  role!: ApiKeyRole;

  @ApiPropertyOptional({ example: 'CI pipeline' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class RenameTenantDto {
  @ApiProperty({ example: 'Acme Corporation' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}
