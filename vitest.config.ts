// Unit tests in happy-dom (DOM, cookies, history): the SDK's sdk/**/*.spec.ts and the
// player's player/**/*.spec.ts, so `npx vitest run` (make test-sdk) runs both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['sdk/**/*.spec.ts', 'player/**/*.spec.ts'],
    environment: 'happy-dom',
    restoreMocks: true,
  },
});
