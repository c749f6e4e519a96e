/**
 * Test files that need a fresh process of their own (vitest's isolate): they mock or spy on modules
 * (`vi.mock`, `vi.spyOn`), set process-wide variables, or exist to check process-level behaviour
 * (signals, exits, child processes, an install). They run first, so their waiting on child
 * processes overlaps the CPU-bound files.
 */
export const ISOLATED: readonly string[] = [
  'tests/**/*.e2e.test.ts',
  'tests/install/**/*.test.ts',
  'tests/cli/unreadable.test.ts', // vi.mock('node:fs')
  'tests/doctor/doctor.test.ts', // vi.spyOn on an adapter's prototype
  'tests/zoo/pull.test.ts', // sets HTTP_PROXY / NO_PROXY in process.env
]
