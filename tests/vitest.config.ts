import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { ISOLATED } from './isolated.js'
import SlowFirstSequencer from './sequencer.js'

// Kept under tests/ so the repository's top level stays as the design card fixes it.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    // A guard against a hang, not a speed check: on a loaded 2-core machine (load average 40 seen
    // while eight people test) a test of a few seconds idle took over 60 s.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Many test files spend their time waiting on child processes (the real binary, npm ci, a
    // browser), so more workers than cores shortens the run: on the 2-core test machine, idle,
    // 4 workers took 134 s against 182 s with vitest's default (one per core); 6 gave nothing more.
    maxWorkers: Math.max(4, os.availableParallelism()),
    // V8's interrupt budget in the worker processes as bin/run.js sets it for the CLI (docs/performance.md,
    // "V8's interrupt budget"): less optimizing-compiler work competing for the cores, 126–127 s against
    // 130–134 s for the whole vitest run in two alternated pairs on the 2-core machine. Node 20 only:
    // later Nodes' V8 has no such flag and would refuse to start the workers.
    execArgv: process.versions.node.startsWith('20.') ? ['--interrupt-budget=400000'] : [],
    // ferbench's caches (pulled models, face boxes) go to a folder of this run, never the user's ~/.cache
    env: { FERBENCH_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'ferbench-test-cache-')) },
    // Every other file runs in a worker process that earlier files of the run have used
    // (isolate: false): the modules it imports are loaded once per worker, not once per file, and
    // the in-process CLI (tests/helpers/cli.ts) starts once per worker, not once per file. That
    // shares what one file's tests already share with each other: no test file sets process-wide
    // state (tests/architecture/isolation.test.ts checks that the ones that do are listed in tests/isolated.ts).
    // the longest files first, whether or not vitest has durations of an earlier run (tests/sequencer.ts)
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      { extends: true, test: { name: 'isolated', include: [...ISOLATED], isolate: true } },
      {
        extends: true,
        test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: [...ISOLATED], isolate: false },
      },
    ],
  },
})
