import { ValidationTypes, getMetadataStorage, type ValidationArguments } from 'class-validator';

/** True when every rule of the message's class holds; says nothing about what is wrong otherwise. */
export type ValidityCheck = (instance: object) => boolean;

/** The rule kinds a flat message class uses; a class with any other kind gets no compiled check. */
const COMPILED_KINDS = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.WHITELIST,
]);

interface PropertyRules {
  name: string;
  /** `@IsOptional`, `@ValidateIf`: when one says no, the property is not checked at all. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** Each rule with the constraints it was declared with (`@MaxLength(64)` → [64]). */
  rules: Array<{ validate: (value: unknown, args: ValidationArguments) => unknown; constraints: unknown[] }>;
}

/**
 * Compiles the class-validator rules of a flat message class into one function that runs the
 * same constraint validators in the same order, as class-validator does with `whitelist` and
 * `forbidNonWhitelisted`, but without its executor, which walks the metadata and builds an
 * error object per property on every call (most of the ~20 µs a delivery task took to decode).
 * It answers only whether the instance is valid: on `false` the caller runs class-validator
 * itself, so refusals keep its exact messages. Undefined when the class uses a rule this does
 * not read (nested messages, `each`, asynchronous or grouped rules).
 */
export function compileValidityCheck(type: new () => object): ValidityCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(type, '', false, false);
  if (metadatas.length === 0) return undefined;
  if (metadatas.some((metadata) => !COMPILED_KINDS.has(metadata.type) || metadata.each || (metadata.groups?.length ?? 0) > 0 || metadata.always))
    return undefined;
  const properties: PropertyRules[] = [];
  for (const [name, declared] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const property: PropertyRules = { name, conditions: [], rules: [] };
    for (const metadata of declared) {
      if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) property.conditions.push(metadata.constraints[0] as PropertyRules['conditions'][number]);
    }
    // class-validator checks presence (`@IsDefined`) before the other rules.
    const ordered = [
      ...declared.filter((metadata) => metadata.type === ValidationTypes.IS_DEFINED),
      ...declared.filter((metadata) => metadata.type === ValidationTypes.CUSTOM_VALIDATION),
    ];
    for (const metadata of ordered) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) return undefined;
        const validator = constraint.instance as { validate: PropertyRules['rules'][number]['validate'] };
        property.rules.push({ validate: validator.validate.bind(validator), constraints: metadata.constraints });
      }
    }
    properties.push(property);
  }
  const known = new Set(properties.map((property) => property.name));

  return (instance) => {
    const object = instance as Record<string, unknown>;
    for (const key of Object.keys(object)) if (!known.has(key)) return false;
    for (const { name, conditions, rules } of properties) {
      const value = object[name];
      if (!conditions.every((condition) => condition(object, value))) continue;
      for (const { validate, constraints } of rules) {
        if (validate(value, { targetName: type.name, property: name, object, value, constraints }) !== true) return false;
      }
    }
    return true;
  };
}
