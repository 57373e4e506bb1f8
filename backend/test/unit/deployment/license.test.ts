import { describe, expect, it } from 'vitest';
import { readRepoFile } from '../../support/deployment-files.js';

describe('LICENSE', () => {
  it('when read, then it is the MIT license of the project authors', () => {
    const license = readRepoFile('LICENSE');

    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toContain('Copyright (c) 2026 the code-execution-gateway authors');
    expect(license).toContain('Permission is hereby granted, free of charge, to any person');
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('when package.json and the README name the license, then they say MIT and link the file', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { license?: string };

    expect(pkg.license).toBe('MIT');
    expect(readRepoFile('README.md')).toMatch(/^## License\n\n\[MIT\]\(LICENSE\)/m);
  });
});
