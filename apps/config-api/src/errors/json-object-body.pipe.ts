import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiErrorCode } from '@wirehook/contracts';
import { DomainError } from './domain.error';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

/**
 * Refuses a request body that is not a JSON object where a DTO is expected (an array, a
 * string, nothing at all), with a message that says so, before validation sees it.
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !metadata.metatype || PRIMITIVES.includes(metadata.metatype)) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DomainError('invalid', ApiErrorCode.invalidBody, 'the request body must be a JSON object (send Content-Type: application/json)');
    }
    return value;
  }
}
