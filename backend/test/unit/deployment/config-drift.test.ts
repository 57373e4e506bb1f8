import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../../src/config.js';
import { LANGUAGE_EXTENSIONS } from '../../../src/runtimes/language-names.js';
import { languagesOfPackage, RuntimeManifestSchema } from '../../../src/piston/runtime-manifest.js';
import { readmeTableKeys, readRepoFile } from '../../support/deployment-files.js';

describe('README configuration table', () => {
  it('when compared with the config schema, then it lists exactly the known keys', () => {
    const keys = readmeTableKeys(readRepoFile('docs/configuration.md'));

    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });
});

describe('piston/runtimes.json', () => {
  const manifest = RuntimeManifestSchema.parse(JSON.parse(readRepoFile('piston/runtimes.json')));

  it('when its packages are mapped to languages, then the gateway knows each language', () => {
    const languages = manifest.flatMap((entry) => languagesOfPackage(entry.language));

    for (const language of languages) expect(Object.keys(LANGUAGE_EXTENSIONS)).toContain(language);
  });

  it('when read, then it covers the default language set', () => {
    const languages = new Set(manifest.flatMap((entry) => languagesOfPackage(entry.language)));

    for (const language of [
      'python',
      'javascript',
      'typescript',
      'c',
      'c++',
      'java',
      'go',
      'rust',
      'ruby',
      'bash',
      'sqlite3',
    ]) {
      expect(languages).toContain(language);
    }
  });
});
