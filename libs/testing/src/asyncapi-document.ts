import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

/** The AsyncAPI document of this repository. */
export const ASYNCAPI_FILE = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');

const DOCUMENT_ID = 'urn:wirehook:asyncapi';

interface Ref {
  $ref: string;
}

interface AsyncApiParameter {
  enum?: string[];
}

interface AsyncApiMessage {
  name: string;
  headers?: Ref;
  payload: Ref;
  examples?: Array<{ name: string; headers?: Record<string, unknown>; payload: unknown }>;
}

/** The parts of the document the tests read. */
export interface AsyncApiYaml {
  channels: Record<string, { address: string; parameters?: Record<string, AsyncApiParameter>; messages: Record<string, Ref> }>;
  components: { messages: Record<string, AsyncApiMessage>; schemas: Record<string, Record<string, unknown>> };
}

/** What the document says of one NATS message: the channel its subject is on and every problem found. */
export interface MessageCheck {
  channel?: string;
  /** The subject's parameters, by name. */
  parameters: Record<string, string>;
  problems: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (error) =>
      `${error.instancePath || '(root)'} ${error.message ?? error.keyword}${error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''}`,
  );
}

/**
 * docs/asyncapi.yaml with its schemas compiled by Ajv (formats included), to check payloads,
 * headers and subjects of real messages against what the document promises.
 */
export class AsyncApiDocument {
  readonly yaml: AsyncApiYaml;
  private readonly ajv: Ajv;

  private constructor(readonly text: string) {
    this.yaml = load(text) as AsyncApiYaml;
    this.ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(this.ajv);
    // The schemas refer to each other as #/components/schemas/<name>: keep that place.
    this.ajv.addVocabulary(['components']);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: this.yaml.components.schemas } });
  }

  static load(file = ASYNCAPI_FILE): AsyncApiDocument {
    return new AsyncApiDocument(readFileSync(file, 'utf8'));
  }

  /** Problems of a value against a schema of `components.schemas`, one line each; empty when it is valid. */
  schemaProblems(schemaName: string, value: unknown): string[] {
    const validate = this.ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`the AsyncAPI document has no schema ${schemaName}`);
    return validate(value) ? [] : describe(validate.errors);
  }

  /** The component message a channel carries (each channel carries one). */
  channelMessage(channel: string): AsyncApiMessage {
    const [ref] = Object.values(this.yaml.channels[channel].messages);
    return this.yaml.components.messages[ref.$ref.split('/').pop() as string];
  }

  /**
   * Checks a NATS message against the document: its subject must be on a channel (parameters
   * one token each, the last one any number, enumerated ones from their list), its body match
   * that channel's payload schema and its headers the headers schema.
   */
  checkMessage(subject: string, body: unknown, headers: Record<string, string> = {}): MessageCheck {
    for (const [channel, { address, parameters = {} }] of Object.entries(this.yaml.channels)) {
      const names: string[] = [];
      const pattern = address.split(/(\{\w+\})/).map((part, index, parts) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!name) return escapeRegExp(part);
        names.push(name);
        const values = parameters[name]?.enum;
        if (values) return `(${values.map(escapeRegExp).join('|')})`;
        return index === parts.length - 2 ? '([^.]+(?:\\.[^.]+)*)' : '([^.]+)';
      });
      const match = new RegExp(`^${pattern.join('')}$`).exec(subject);
      if (!match) continue;
      const message = this.channelMessage(channel);
      const problems = this.schemaProblems(message.payload.$ref.split('/').pop() as string, body).map((problem) => `body: ${problem}`);
      if (message.headers)
        problems.push(...this.schemaProblems(message.headers.$ref.split('/').pop() as string, headers).map((problem) => `headers: ${problem}`));
      return { channel, parameters: Object.fromEntries(names.map((name, index) => [name, match[index + 1]])), problems };
    }
    return { parameters: {}, problems: [`subject ${subject} is on no channel of the document`] };
  }
}
