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
    ],
  },
});
