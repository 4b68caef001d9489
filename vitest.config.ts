// SDK unit tests: every sdk/**/*.spec.ts, in happy-dom so DOM, cookies and history exist.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sdk/**/*.spec.ts', 'player/**/*.spec.ts'],
    environment: 'happy-dom',
    restoreMocks: true,
  },
});
