import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import type { PistonRuntime } from '../../src/piston/piston-schemas.js';
import {
  compareVersions,
  findLanguage,
  pickVersion,
  suggestLanguages,
  unsupportedLanguage,
} from '../../src/runtimes/resolve-runtime.js';
import { loadFixture } from '../support/fixtures.js';

const RUNTIMES = loadFixture('runtimes').response.body as PistonRuntime[];
const MULTI: PistonRuntime[] = [
  { language: 'python', version: '3.10.0', aliases: ['py'] },
  { language: 'python', version: '3.12.0', aliases: ['py'] },
  { language: 'python', version: '2.7.18', aliases: ['py2'] },
];

describe('findLanguage', () => {
  it.each([
    ['python', 'python'],
    ['PYTHON', 'python'],
    ['py', 'python'],
    ['python3', 'python'],
    ['cpp', 'c++'],
    ['c++', 'c++'],
    ['C++', 'c++'],
    ['js', 'javascript'],
    ['node', 'javascript'],
    ['nodejs', 'javascript'],
    ['sh', 'bash'],
    ['sql', 'sqlite3'],
    [' java ', 'java'],
  ])('when asked for %j, then it finds %s', (name, language) => {
    expect(findLanguage(RUNTIMES, name).map((rt) => rt.language)).toEqual([language]);
  });

  it('when the name is unknown, then it finds nothing', () => {
    expect(findLanguage(RUNTIMES, 'cobol')).toEqual([]);
    expect(findLanguage(RUNTIMES, 'golang')).toEqual([]);
  });

  it('when a common name maps to an installed language, then it is found', () => {
    const withGo = [...RUNTIMES, { language: 'go', version: '1.16.2', aliases: ['go'] }];
    expect(findLanguage(withGo, 'golang')[0]?.language).toBe('go');
  });
});

describe('pickVersion', () => {
  it.each([undefined, '*', 'latest', 'LATEST'])(
    'when the version is %j, then the newest installed is chosen',
    (version) => {
      expect(pickVersion(MULTI, version).version).toBe('3.12.0');
    },
  );

  it('when an exact version is installed, then it is chosen', () => {
    expect(pickVersion(MULTI, '3.10.0').version).toBe('3.10.0');
  });

  it.each([
    ['3.x', '3.12.0'],
    ['3.10', '3.10.0'],
    ['^3.10.0', '3.12.0'],
    ['<3.11', '3.10.0'],
    ['2', '2.7.18'],
  ])('when the version is the range %s, then %s is chosen', (range, expected) => {
    expect(pickVersion(MULTI, range).version).toBe(expected);
  });

  it('when no installed version matches, then unsupported_version lists the installed ones', () => {
    try {
      pickVersion(MULTI, '4.0.0');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      const appError = error as BadRequestError;
      expect(appError.code).toBe('unsupported_version');
      expect(appError.details?.[0]?.installed).toEqual(['3.12.0', '3.10.0', '2.7.18']);
    }
  });

  it('when the version is not a valid range, then it is unsupported, not a crash', () => {
    expect(() => pickVersion(MULTI, 'banana')).toThrow(BadRequestError);
  });

  it('when the version is not a version at all, then the message says so instead of "not installed"', () => {
    expect(() => pickVersion(MULTI, 'abc!!')).toThrow(
      'Version "abc!!" is neither a version nor a semver range',
    );
    expect(() => pickVersion(MULTI, '4.0.0')).toThrow('Version "4.0.0" of python is not installed');
  });
});

describe('suggestLanguages', () => {
  it.each([
    ['pyhton', 'python'],
    ['pythn', 'python'],
    ['javscript', 'javascript'],
    ['jav', 'java'],
    ['bsh', 'bash'],
  ])('when %s is typed, then %s is suggested', (typed, expected) => {
    expect(suggestLanguages(RUNTIMES, typed)).toContain(expected);
  });

  it('when nothing is close, then there are no suggestions', () => {
    expect(suggestLanguages(RUNTIMES, 'brainfuck-deluxe')).toEqual([]);
  });

  it('when a longer name merely starts with a one-letter language (cobol, c), then c is not suggested', () => {
    expect(suggestLanguages(RUNTIMES, 'cobol')).toEqual([]);
    expect(suggestLanguages(RUNTIMES, 'csharp')).not.toContain('c');
  });

  it('when building the error, then the suggestions are in details and the message', () => {
    const error = unsupportedLanguage(RUNTIMES, 'pyhton');
    expect(error.code).toBe('unsupported_language');
    expect(error.message).toContain('python');
    expect(error.details?.[0]?.suggestions).toEqual(['python']);
  });
});

describe('compareVersions', () => {
  it('when versions are semver, then they order numerically', () => {
    expect(['1.10.0', '1.9.0', '1.2.3'].sort(compareVersions)).toEqual([
      '1.2.3',
      '1.9.0',
      '1.10.0',
    ]);
  });

  it('when versions are not strict semver, then they still order', () => {
    expect(compareVersions('3.11', '3.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-beta', '1.0.0-beta')).toBe(0);
  });
});
