import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { FIXTURES_DIR } from './fixtures.js';

type Json = Record<string, unknown>;

/** The document as the tests read it. */
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

export interface MediaType {
  schema?: Json;
  examples?: Record<string, { summary: string; value: unknown }>;
}

export interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType>; headers?: Json }>;
  security?: Json[];
}

function loadOfficial(name: string): Json {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}openapi-3.1/${name}.json`, 'utf8')) as Json;
}

/**
 * A validator for whole OpenAPI 3.1 documents: the official schema (vendored, see
 * fixtures/openapi-3.1/README.md). It checks the structure; Schema Objects it takes as any object
 * (see schemaObjectErrors for them).
 */
export function openApiDocumentValidator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The schema names media types by RFC 9110's media-range, a format ajv-formats does not have.
  ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(?:\s*;.*)?$/);
  return ajv.compile(staticMetaRefs(loadOfficial('schema')) as Json);
}

/**
 * The schema with each `$dynamicRef: "#meta"` read as `$ref: "#/$defs/schema"`. Used on its own,
 * the schema has one `$dynamicAnchor: meta`, on `$defs/schema`, so the two mean the same; but Ajv
 * resolves that `$dynamicRef` to the wrong place (it checked a Parameter's `schema` as a
 * Parameter).
 */
function staticMetaRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(staticMetaRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) =>
      key === '$dynamicRef' && child === '#meta'
        ? ['$ref', '#/$defs/schema']
        : [key, staticMetaRefs(child)],
    ),
  );
}

/**
 * Checks every Schema Object of the document against the JSON Schema 2020-12 meta-schema plus the
 * OAS base vocabulary (the official `meta.json`), which is what the official `schema-base.json`
 * does through `$dynamicRef`, a keyword Ajv resolves only in part. Returns the failures.
 */
export function schemaObjectErrors(doc: OpenApiDoc): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const oasBase = ajv.compile(loadOfficial('meta'));
  const errors: string[] = [];
  for (const [where, schema] of schemaObjects(doc)) {
    if (!ajv.validateSchema(schema)) errors.push(`${where}: ${ajv.errorsText()}`);
    if (!oasBase(schema)) errors.push(`${where}: ${ajv.errorsText(oasBase.errors)}`);
  }
  return errors;
}

/** Every Schema Object of the document (under a `schema` key, or a component), with its place. */
function schemaObjects(doc: OpenApiDoc): [string, Json][] {
  const found: [string, Json][] = Object.entries(doc.components.schemas).map(([name, schema]) => [
    `#/components/schemas/${name}`,
    schema,
  ]);
  const walk = (value: unknown, where: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'schema' && typeof child === 'object' && child !== null) {
        found.push([`${where}/schema`, child as Json]);
      } else if (key !== 'examples') walk(child, `${where}/${key}`);
    }
  };
  walk(doc.paths, '#/paths');
  return found;
}

/**
 * A schema from the document with its `#/components/schemas/...` references put in place, so it
 * compiles on its own (a reference with siblings becomes `allOf` of both).
 */
export function inlineRefs(doc: OpenApiDoc, schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(doc, item));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref, ...rest } = schema as Json;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, inlineRefs(doc, value)]),
  );
  if (typeof $ref !== 'string') return inlined;
  const name = $ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved reference ${$ref}`);
  const resolved = inlineRefs(doc, target);
  return Object.keys(inlined).length > 0 ? { allOf: [resolved, inlined] } : resolved;
}

/** A validator for values against one schema of the document (JSON Schema 2020-12). */
export function schemaValidator(doc: OpenApiDoc, schema: Json): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(inlineRefs(doc, schema) as Json);
}

/** Every operation of the document with its method and path. */
export function operations(doc: OpenApiDoc): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
}

/**
 * The documented JSON schema of the answer `status` to `method url` (its query ignored): the
 * operation whose path template matches, a literal segment winning over a `{parameter}`.
 */
export function documentedSchema(
  doc: OpenApiDoc,
  method: string,
  url: string,
  status: number,
): Json | undefined {
  const path = url.split('?')[0] ?? url;
  const matching = operations(doc).filter(
    (o) =>
      o.method === method.toLowerCase() &&
      new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  const params = (template: string) => (template.match(/\{/g) ?? []).length;
  const [best] = matching.sort((a, b) => params(a.path) - params(b.path));
  return best?.op.responses[String(status)]?.content?.['application/json']?.schema;
}
