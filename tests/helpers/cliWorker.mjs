// The worker thread behind tests/helpers/cli.ts runCli: runs the built CLI in process, one command at
// a time (tests/helpers/cliInProcess.mjs), and answers each request with its id, exit status, stdout
// and stderr. The test thread blocks on `signal` (Atomics.wait, bumped after each answer) until the
// answer is posted, so runCli stays synchronous.
import { workerData } from 'node:worker_threads'
import { runOnce } from './cliInProcess.mjs'

const { port, signal } = workerData

port.on('message', async (request) => {
  const result = await runOnce(request)
  port.postMessage({ id: request.id, run: result })
  Atomics.add(signal, 0, 1)
  Atomics.notify(signal, 0)
})
