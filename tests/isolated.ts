/**
 * Test files that need a fresh process of their own (vitest's isolate): they mock or spy on modules
 * (`vi.mock`, `vi.spyOn`) or set process-wide variables. They run first. Files that only start
 * child processes and wait for them (the `*.e2e` tests, the install tests) share a worker like the
 * rest: a process of their own gave them nothing (tests/architecture/isolation.test.ts checks what
 * needs one) and cost a fresh vitest worker each (10 e2e files: 38.1 s CPU isolated, 34.0 s shared).
 */
export const ISOLATED: readonly string[] = [
  'tests/cli/unreadable.test.ts', // vi.mock('node:fs')
  'tests/doctor/doctor.test.ts', // vi.spyOn on an adapter's prototype
  'tests/zoo/pull.test.ts', // sets HTTP_PROXY / NO_PROXY in process.env
  'tests/runners/spareCwd.test.ts', // process.chdir, and turns the runner-process reuse seam on
  'tests/cli/runCommand.test.ts', // reads and restores process.exitCode, which runCommand sets
  'tests/runners/onnxEngines.test.ts', // sets FERBENCH_DEBUG_ENGINES_AFTER_MS in process.env for a runner process it starts
  'tests/engine/readAheadEval.test.ts', // sets FERBENCH_DEBUG_READ_AHEAD in process.env (read ahead always, or never)
  'tests/robust/wasmKernels.test.ts', // sets FERBENCH_DEBUG_NO_WASM in process.env, spies on process.stderr.write
  'tests/runners/batchGroups.test.ts', // spies on RemoteOnnxRunner's prototype, sets FERBENCH_DEBUG_NO_BATCH_GROUPS
]
