import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}

export interface OpenApiOperation {
  summary?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: `null` or the schema. Done before compiling
 * because ajv's own `nullable` support needs a `type` beside it, which `$ref`, `allOf` and
 * `enum` schemas do not have.
 */
function asJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const converted = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, asJsonSchema(value)])) as Schema;
  if (converted['nullable'] !== true) return converted;
  const { nullable: _nullable, ...rest } = converted;
  return { anyOf: [rest, { type: 'null' }] };
}

/**
 * Checks live API answers against the response schemas of the OpenAPI document the server
 * publishes, so the document (and the dashboard's types generated from it) cannot drift from
 * what the API really sends.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: asJsonSchema(document.components) });
  }

  static async of(baseUrl: string): Promise<OpenApiResponses> {
    const answer = await fetch(`${baseUrl}/api/docs-json`);
    if (answer.status !== 200) throw new Error(`GET /api/docs-json answered ${answer.status}`);
    return new OpenApiResponses((await answer.json()) as OpenApiDocument);
  }

  /**
   * The problems of `body` as the answer `status` of `METHOD /path/{param}`: an empty list when
   * the document declares that answer and the body fits its schema.
   */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const where = `${method} ${path} ${status}`;
    const response = this.document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
    if (!response) return [`${where}: not documented`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return status === 204 ? [] : [`${where}: documented without a JSON schema`];
    let validate = this.compiled.get(where);
    if (!validate) {
      const rooted = JSON.parse(JSON.stringify(asJsonSchema(schema)).replaceAll('"#/components/', '"openapi#/components/')) as Schema;
      validate = this.ajv.compile(rooted);
      this.compiled.set(where, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`);
  }
}
