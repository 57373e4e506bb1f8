import { describe, expect, it } from 'vitest';
import { composeService, type ComposeFile } from '../../support/compose-schema.js';
import {
  PISTON_IMAGE,
  composeDefault,
  dockerfileArgs,
  dockerfileBaseImages,
  isPublishedTag,
  readRepoFile,
  readYaml,
} from '../../support/deployment-files.js';

// Every image the deployment pulls must exist: a tag that was never published fails the pull, and
// with it the one-command stack (Piston's `:3.1.1` did exactly that).
const pistonDockerfile = readRepoFile('piston/Dockerfile');
const compose = readYaml('docker-compose.yml') as ComposeFile;
const scale = readYaml('docker-compose.scale.yml') as ComposeFile;
const pistonBuild = composeService(compose, 'piston').build;

describe('image references', () => {
  it('when the Piston image is checked, then only the published name with latest or a digest passes', () => {
    expect('ghcr.io/engineer-man/piston:latest').toMatch(PISTON_IMAGE);
    expect(`ghcr.io/engineer-man/piston@sha256:${'ab12'.repeat(16)}`).toMatch(PISTON_IMAGE);
    for (const invented of [
      'ghcr.io/engineer-man/piston:3.1.1',
      'ghcr.io/engineer-man/piston:v3',
      'ghcr.io/engineer-man/piston',
      'ghcr.io/engineer-man/piston@sha256:abc',
      'engineer-man/piston:latest',
    ]) {
      expect(invented).not.toMatch(PISTON_IMAGE);
    }
  });

  it('when piston/Dockerfile is built, then its base image is the argument, defaulting to a published one', () => {
    expect(pistonDockerfile).toMatch(/^FROM \$\{PISTON_IMAGE\}$/m);
    expect(dockerfileArgs(pistonDockerfile).PISTON_IMAGE).toMatch(PISTON_IMAGE);
    expect(dockerfileBaseImages(pistonDockerfile)).toEqual([
      dockerfileArgs(pistonDockerfile).PISTON_IMAGE,
    ]);
  });

  it('when compose builds Piston, then it passes PISTON_IMAGE with the same default as the Dockerfile', () => {
    const arg = typeof pistonBuild === 'object' ? pistonBuild.args?.PISTON_IMAGE : undefined;

    expect(typeof pistonBuild === 'object' && pistonBuild.context).toBe('./piston');
    expect(arg).toMatch(/^\$\{PISTON_IMAGE:-[^}]+\}$/);
    expect(composeDefault(arg ?? '')).toBe(dockerfileArgs(pistonDockerfile).PISTON_IMAGE);
  });

  it('when an official image is checked, then only tags looked up in official-images pass', () => {
    expect(isPublishedTag('node:24-slim')).toBe(true);
    for (const invented of ['node:24.99-slim', 'node:23-slim', 'redis:7.9-alpine', 'nginx:1.28']) {
      expect(isPublishedTag(invented), invented).toBe(false);
    }
  });

  it('when the gateway image and the compose services are built, then every other image is published', () => {
    const images = [
      ...dockerfileBaseImages(readRepoFile('Dockerfile')),
      ...[compose, scale].flatMap((file) =>
        Object.values(file.services).flatMap((service) => (service.image ? [service.image] : [])),
      ),
    ];

    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) expect(isPublishedTag(image), image).toBe(true);
  });
});
