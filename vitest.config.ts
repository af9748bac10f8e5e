import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // A temporary root per test file, removed afterwards (tests/unit/setup.ts).
    setupFiles: ['tests/unit/setup.ts'],
  },
});
