/** A JSON Schema (OpenAPI 3.1) node as the renderer reads it. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
}

/** Turns `$ref`s into their targets (`#/components/schemas/...` only). */
export type Resolve = (ref: string) => Schema | undefined;

const MAX_DEPTH = 6;

/** The short type of a schema: `string`, `array of Stage`, `"a" | "b"`. */
export function typeLabel(schema: Schema, resolve: Resolve): string {
  if (schema.$ref) return schema.$ref.split('/').pop() ?? 'object';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.map((v) => typeLabel(v, resolve)).join(' | ');
  if (schema.type === 'array' && schema.items)
    return `array of ${typeLabel(schema.items, resolve)}`;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return schema.type ?? (schema.properties ? 'object' : 'any');
}

/** The constraints worth a reader's eye: default, bounds, lengths. */
function constraints(schema: Schema): string {
  const parts: string[] = [];
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  return parts.join(', ');
}

/** A nested list of a schema's fields (objects expanded, references followed, cycles cut). */
export function renderSchema(
  schema: Schema,
  resolve: Resolve,
  depth = 0,
  seen = new Set<string>(),
): HTMLElement {
  const target = schema.$ref ? resolve(schema.$ref) : schema;
  const wrap = document.createElement('div');
  wrap.className = 'schema';
  if (!target || depth > MAX_DEPTH || (schema.$ref && seen.has(schema.$ref))) {
    wrap.textContent = typeLabel(schema, resolve);
    return wrap;
  }
  const nextSeen = schema.$ref ? new Set([...seen, schema.$ref]) : seen;
  const merged = target.allOf
    ? (Object.assign(
        {},
        ...target.allOf.map((s) => (s.$ref ? resolve(s.$ref) : s)),
        target,
      ) as Schema)
    : target;
  const object = merged.properties;
  if (object) {
    const list = document.createElement('dl');
    for (const [name, property] of Object.entries(object)) {
      const term = document.createElement('dt');
      const code = document.createElement('code');
      code.textContent = name;
      const type = document.createElement('span');
      type.className = 'type';
      type.textContent = ` ${typeLabel(property, resolve)}${merged.required?.includes(name) ? ', required' : ''}`;
      term.append(code, type);
      const definition = document.createElement('dd');
      const resolved = property.$ref ? resolve(property.$ref) : property;
      const text = [property.description ?? resolved?.description ?? '', constraints(property)]
        .filter(Boolean)
        .join(' · ');
      if (text) definition.append(text);
      const inner = property.type === 'array' ? property.items : property;
      const innerTarget = inner?.$ref ? resolve(inner.$ref) : inner;
      if (inner && innerTarget?.properties)
        definition.append(renderSchema(inner, resolve, depth + 1, nextSeen));
      list.append(term, definition);
    }
    wrap.append(list);
  } else if (merged.type === 'array' && merged.items) {
    wrap.append(`array of `, renderSchema(merged.items, resolve, depth + 1, nextSeen));
  } else {
    wrap.textContent = typeLabel(merged, resolve);
  }
  return wrap;
}
