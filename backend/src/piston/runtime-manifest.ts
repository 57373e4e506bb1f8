import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Piston packages are named after the toolchain, which is not always the language they provide
 * (`node` provides javascript, `gcc` provides c and c++). Packages not listed provide the language
 * of the same name.
 */
export const PACKAGE_LANGUAGES: Readonly<Record<string, readonly string[]>> = {
  node: ['javascript'],
  gcc: ['c', 'c++'],
  deno: ['javascript', 'typescript'],
  mono: ['csharp'],
  dotnet: ['csharp'],
};

/** The languages a Piston package provides. */
export function languagesOfPackage(pkg: string): readonly string[] {
  return PACKAGE_LANGUAGES[pkg] ?? [pkg];
}

/** `piston/runtimes.json`: the Piston packages to install. */
export const RuntimeManifestSchema = z
  .array(
    z.strictObject({
      language: z.string().regex(/^[a-z0-9][a-z0-9+._-]*$/, 'must be a Piston package name'),
      version: z.string().min(1, 'must be an exact version or a semver range'),
    }),
  )
  .min(1, 'must list at least one package');
export type RuntimeManifest = z.infer<typeof RuntimeManifestSchema>;

/** Reads and validates a manifest file; throws an Error naming the file and every problem. */
export async function readManifest(path: string): Promise<RuntimeManifest> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = RuntimeManifestSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`);
    throw new Error(`invalid manifest ${path}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
