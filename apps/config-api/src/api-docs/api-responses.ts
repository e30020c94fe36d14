import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { Pagination } from '@wirehook/contracts';

/** The body of every error answer (written by `HttpExceptionFilter`). */
export class ErrorDetail {
  @ApiProperty({ example: 'validation_failed', description: 'Stable code to branch on' })
  code!: string;

  @ApiProperty({ example: 'url must be an https URL', description: 'What went wrong, for people' })
  message!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'The problems of each field of the input, by field name',
  })
  fields?: Record<string, string[]>;

  @ApiPropertyOptional({ description: 'Quote it when reporting a 500; the log has the same id' })
  error_id?: string;
}

export class ErrorEnvelope {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}

/** The pagination of page-numbered lists. */
export class PaginationView implements Pagination {
  @ApiProperty({ example: 1 })
  current_page!: number;

  @ApiProperty({ example: 25 })
  per_page!: number;

  @ApiProperty({ example: 3 })
  total!: number;

  @ApiProperty({ example: 1 })
  last_page!: number;
}

const ERROR_MEANINGS = {
  400: 'The input is invalid; `error.fields` names each field and its problems',
  401: 'No API key, or one that is unknown or revoked',
  403: "The key's role may not do this",
  404: 'Nothing with this id belongs to the calling tenant',
  409: 'The request conflicts with the current state',
  413: 'The body is larger than the limit',
  429: 'Too many queries of this tenant at once; try again after Retry-After seconds',
  503: 'A service behind the API did not answer; try again',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** Documents the error answers a route can give, each with the error envelope. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_MEANINGS[status], type: ErrorEnvelope })));
}

interface DataOptions {
  description?: string;
  /** `data` is an array of the model. */
  list?: boolean;
  /** The answer carries `pagination` of this model next to `data`. */
  pagination?: Type<unknown>;
}

/** Documents a success answer `{ success: true, data, pagination? }` whose `data` is `model` (or one of `model`). */
export function ApiData(status: number, model: Type<unknown> | Type<unknown>[], options: DataOptions = {}): MethodDecorator {
  const models = Array.isArray(model) ? model : [model];
  const item = models.length === 1 ? { $ref: getSchemaPath(models[0]) } : { oneOf: models.map((one) => ({ $ref: getSchemaPath(one) })) };
  const properties: Record<string, object> = {
    success: { type: 'boolean', enum: [true] },
    data: options.list ? { type: 'array', items: item } : item,
  };
  if (options.pagination) properties['pagination'] = { $ref: getSchemaPath(options.pagination) };
  return applyDecorators(
    ApiExtraModels(...models, ...(options.pagination ? [options.pagination] : [])),
    ApiResponse({
      status,
      description: options.description ?? 'Done',
      schema: { type: 'object', required: Object.keys(properties), properties },
    }),
  );
}
