/** One bad setting: the key and what is wrong with it, in the operator's terms. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/**
 * Thrown when one or more settings are invalid; lists every bad key. Its own module so that
 * config.ts and the settings read later (API_KEYS' JSON file) report in the one format.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`,
    );
  }
}
