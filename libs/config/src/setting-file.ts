import { readFileSync } from 'node:fs';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/** The message of a thrown value; errors of Node's fs may come from another realm (Jest's sandbox), so no `instanceof Error`. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * A setting that names a file holding a secret (`*_FILE`, as Docker and Kubernetes mount
 * secrets). The file is read once, when the config is loaded: a bad path stops the boot, and a
 * secret changed later takes a restart. Only the path is ever serialised, so a logged config
 * never shows the secret.
 */
export class SettingFile {
  readonly #text: string | undefined;
  /** Why the file could not be read, when it could not. */
  readonly problem: string | undefined;

  constructor(readonly path: string) {
    let text: string | undefined;
    let problem: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problem = messageOf(error);
    }
    this.#text = text;
    this.problem = problem;
  }

  /** The whole file as read, or undefined when it could not be read. */
  get text(): string | undefined {
    return this.#text;
  }

  /** The file without its trailing line break (editors and `echo` add one), for one-line secrets. */
  get value(): string | undefined {
    return this.#text?.replace(/(\r?\n)+$/, '');
  }

  toJSON(): string {
    return this.path;
  }
}

/** A `*_FILE` variable: its path becomes a {@link SettingFile}, read there and then. */
export function EnvFile(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? new SettingFile(value.trim()) : value));
}

/**
 * A {@link SettingFile} that could be read and holds something (after its trailing line break).
 * The message gets the reason the file could not be read appended.
 */
export function IsReadableSettingFile(message: string) {
  return ValidateBy({
    name: 'isReadableSettingFile',
    validator: {
      validate: (value: unknown) => value instanceof SettingFile && value.problem === undefined && (value.value ?? '').length > 0,
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        if (!(value instanceof SettingFile)) return message;
        return value.problem === undefined ? `${message} (the file is empty)` : `${message} (${value.problem})`;
      },
    },
  });
}
