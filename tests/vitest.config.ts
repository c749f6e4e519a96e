import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Kept under tests/ so the repository's top level stays as the design card fixes it.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
