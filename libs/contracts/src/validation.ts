import { plainToInstance } from 'class-transformer';
import { ValidateBy, validateSync, type ValidationError, type ValidationOptions } from 'class-validator';

/** A bus message or input that failed validation; `problems` names each bad field. */
export class InvalidMessageError extends Error {
  readonly code = 'invalid_message';

  constructor(
    readonly problems: string[],
    readonly reason: 'malformed_json' | 'invalid_fields' = 'invalid_fields',
  ) {
    super(problems.join('; '));
    this.name = 'InvalidMessageError';
  }
}

/** Flattens class-validator errors into `field: constraint message` lines. */
export function describeValidationErrors(errors: ValidationError[], parentPath = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      lines.push(message.startsWith(error.property) ? `${parentPath ? `${parentPath}.` : ''}${message}` : `${path}: ${message}`);
    }
    if (error.children?.length) lines.push(...describeValidationErrors(error.children, path));
  }
  return lines;
}

/**
 * Turns a plain object into a validated instance of `type`, or throws
 * {@link InvalidMessageError}. Unknown fields are refused so typos surface at the sender.
 */
export function validatePlain<T extends object>(type: new () => T, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidMessageError(['message must be a JSON object']);
  }
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidMessageError(describeValidationErrors(errors));
  return instance;
}

/** Parses JSON bytes and validates them as `type`; see {@link validatePlain}. */
export function decodeMessage<T extends object>(type: new () => T, bytes: Uint8Array | string): T {
  let plain: unknown;
  try {
    plain = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch {
    // The parser's message quotes part of the input, which may hold a secret: leave it out.
    throw new InvalidMessageError(['body is not valid JSON'], 'malformed_json');
  }
  return validatePlain(type, plain);
}

/** Serializes a message for the wire. */
export function encodeMessage(message: object): Uint8Array {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** Validates an object whose values are all strings of bounded length (identifiers, headers). */
export function IsStringRecord(maxEntries: number, maxValueLength: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isStringRecord',
      constraints: [maxEntries, maxValueLength],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= maxEntries &&
          Object.values(value).every((entry) => typeof entry === 'string' && entry.length <= maxValueLength),
        defaultMessage: (args) =>
          `${args?.property} must be an object of at most ${maxEntries} string values, each at most ${maxValueLength} characters`,
      },
    },
    options,
  );
}
