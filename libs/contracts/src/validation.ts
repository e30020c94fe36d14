import { plainToInstance } from 'class-transformer';
import { ValidateBy, ValidateIf, ValidationTypes, getMetadataStorage, validateSync, type ValidationError, type ValidationOptions } from 'class-validator';
import { compileValidityCheck, type ValidityCheck } from './validity-check';

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

/** Constraints that say a value is missing or null: when one fails, the others only repeat it. */
const PRESENCE_CONSTRAINTS = ['isNotNull', 'isDefined'];

/** The messages of one error: only the presence message when the value is missing or null. */
function constraintMessages(error: ValidationError): string[] {
  const constraints = error.constraints ?? {};
  const presence = PRESENCE_CONSTRAINTS.find((name) => constraints[name] !== undefined);
  return presence ? [constraints[presence]] : Object.values(constraints);
}

/**
 * Flattens class-validator errors into `field: constraint message` lines, one per problem:
 * a missing or null value is reported once, and a message several constraints share (as
 * `must be an integer between 1 and 100` on `@IsInt`, `@Min` and `@Max`) appears once.
 */
export function describeValidationErrors(errors: ValidationError[], parentPath = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    for (const message of constraintMessages(error)) {
      lines.push(message.startsWith(error.property) ? `${parentPath ? `${parentPath}.` : ''}${message}` : `${path}: ${message}`);
    }
    if (error.children?.length) lines.push(...describeValidationErrors(error.children, path));
  }
  return [...new Set(lines)];
}

/**
 * An optional field without an "unset" state: absent keeps the current value (or the
 * default), and `null` is refused with a message naming the field, instead of reaching the
 * code that uses it.
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    ValidateIf((_object: object, value: unknown) => value !== undefined)(target, propertyName as string);
    ValidateBy(
      {
        name: 'isNotNull',
        validator: {
          validate: (value: unknown) => value !== null,
          defaultMessage: (args) => `${args?.property} must not be null (leave it out to keep its value)`,
        },
      },
      options,
    )(target, propertyName as string);
  };
}

const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } as const;

function assertJsonObject(plain: unknown): asserts plain is Record<string, unknown> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidMessageError(['message must be a JSON object']);
  }
}

function validateInstance<T extends object>(instance: T): T {
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw new InvalidMessageError(describeValidationErrors(errors));
  return instance;
}

function parseJson(bytes: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch {
    // The parser's message quotes part of the input, which may hold a secret: leave it out.
    throw new InvalidMessageError(['body is not valid JSON'], 'malformed_json');
  }
}

/** Parses JSON bytes that must hold an object, or throws {@link InvalidMessageError}. */
export function parseJsonObject(bytes: Uint8Array | string): Record<string, unknown> {
  const plain = parseJson(bytes);
  assertJsonObject(plain);
  return plain;
}

/**
 * Turns a plain object into a validated instance of `type`, or throws
 * {@link InvalidMessageError}. Unknown fields are refused so typos surface at the sender.
 */
export function validatePlain<T extends object>(type: new () => T, plain: unknown): T {
  assertJsonObject(plain);
  return validateInstance(plainToInstance(type, plain));
}

/** Parses JSON bytes and validates them as `type`; see {@link validatePlain}. */
export function decodeMessage<T extends object>(type: new () => T, bytes: Uint8Array | string): T {
  return validatePlain(type, parseJson(bytes));
}

const flatTypes = new WeakSet<object>();

/** Refuses, once per class, a message class that needs class-transformer for nested messages. */
function assertFlat(type: new () => object): void {
  if (flatTypes.has(type)) return;
  const nested = getMetadataStorage()
    .getTargetValidationMetadatas(type, '', true, false)
    .find((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION);
  if (nested) throw new Error(`${type.name}.${nested.propertyName} is a nested message: decode ${type.name} with decodeMessage`);
  flatTypes.add(type);
}

/**
 * {@link decodeMessage} for message classes whose fields are plain JSON values: no nested
 * message classes and no class-transformer conversions (`@Type`), which it would not apply.
 * See {@link validateFlat}. The dispatcher decodes every event and delivery task this way
 * (measured with `npm run bench`).
 */
export function decodeFlatMessage<T extends object>(type: new () => T, bytes: Uint8Array | string): T {
  return validateFlat(type, parseJsonObject(bytes));
}

/**
 * {@link validatePlain} for flat message classes (see {@link decodeFlatMessage}). The fields
 * are validated on the instance as they are instead of being copied by class-transformer,
 * which deep-copies free-form fields such as an event's `data`, and by the class's compiled
 * check (see {@link compileValidityCheck}), with class-validator itself wording the problems
 * of a message that fails it. The publisher validates every event this way.
 */
export function validateFlat<T extends object>(type: new () => T, plain: unknown): T {
  assertFlat(type);
  assertJsonObject(plain);
  // An own `__proto__` key (JSON.parse makes one) would replace the instance's prototype on assignment.
  if (Object.hasOwn(plain, '__proto__')) throw new InvalidMessageError(['property __proto__ should not exist']);
  const instance = Object.assign(new type(), plain);
  return validityCheckOf(type)?.(instance) ? instance : validateInstance(instance);
}

const validityChecks = new WeakMap<object, ValidityCheck | null>();

/** The compiled check of a flat message class, made on first use; null when it has none. */
function validityCheckOf(type: new () => object): ValidityCheck | null {
  let check = validityChecks.get(type);
  if (check === undefined) {
    check = compileValidityCheck(type) ?? null;
    validityChecks.set(type, check);
  }
  return check;
}

/** Serializes a message for the wire. */
export function encodeMessage(message: object): Uint8Array {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** A plain object of at most `maxEntries` string values, each at most `maxValueLength` long and with a name `nameOk` accepts. */
export function isStringRecord(value: unknown, maxEntries: number, maxValueLength: number, nameOk: (name: string) => boolean = () => true): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length <= maxEntries &&
    Object.entries(value).every(([name, entry]) => nameOk(name) && typeof entry === 'string' && entry.length <= maxValueLength)
  );
}

/** Validates an object whose values are all strings of bounded length (identifiers, headers). */
export function IsStringRecord(maxEntries: number, maxValueLength: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isStringRecord',
      constraints: [maxEntries, maxValueLength],
      validator: {
        validate: (value: unknown) => isStringRecord(value, maxEntries, maxValueLength),
        defaultMessage: (args) => `${args?.property} must be an object of at most ${maxEntries} string values, each at most ${maxValueLength} characters`,
      },
    },
    options,
  );
}
