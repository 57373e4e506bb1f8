import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['backend/test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['backend/test/integration/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          // Browser tests (Playwright driving Chromium); each file skips when none is installed.
          name: 'e2e',
          include: ['backend/test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
