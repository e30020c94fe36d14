import { IsOptional, IsString } from 'class-validator';
import { SecretSetting } from '@wirehook/config';

/**
 * Where the tests, the fault suite, the benchmark and the embedded run find their servers:
 * `NATS_URL` / `MONGODB_URI` when given, else private ones they start; `PATH` to find
 * `nats-server`. What each does with given servers is said where it uses them.
 */
export class ServerEnvironment {
  @IsOptional()
  @IsString()
  NATS_URL?: string;

  /** May carry a password: never shown in an error, and may come from `MONGODB_URI_FILE`. */
  @SecretSetting()
  @IsOptional()
  @IsString()
  MONGODB_URI?: string;

  @IsString()
  PATH = '';
}
