// Worker thread of src/audit/viewsPool.ts: computes the view parts of each image it is sent (src/audit/imageSignature.ts) and aligns the pairs it is sent (src/audit/alignPair.ts).
import { parentPort, workerData } from 'node:worker_threads'
import { viewParts } from './imageSignature.js'
import { alignJobs, type ViewsReply, type ViewsRequest, type ViewsWorkerData } from './viewsPool.js'

const port = parentPort!
const { finished, index } = workerData as ViewsWorkerData
port.on('message', (m: ViewsRequest) => {
  try {
    answer(m)
  } finally {
    // counted here, not when the reply is read: the pool sees how far behind this worker is even while its own thread is busy
    Atomics.add(finished, index, 1)
  }
})

function answer(m: ViewsRequest): void {
  try {
    if (m.kind === 'align') {
      const reply: ViewsReply = { id: m.id, matches: alignJobs(m.copy, m.pairs, m.minSimilarity) }
      port.postMessage(reply)
      return
    }
    const parts = viewParts({ data: m.data, width: m.width, height: m.height, channels: m.channels })
    const reply: ViewsReply = { id: m.id, parts }
    const { base, hashes, weak, grids, forThumb, thumb, rounded } = parts
    // the parts share one buffer (src/audit/imageSignature.ts): each distinct buffer is transferred once
    const buffers = [
      ...new Set([base, hashes, weak, grids, forThumb, thumb, rounded].map((a) => a.buffer)),
    ] as ArrayBuffer[]
    port.postMessage(reply, buffers)
  } catch (error) {
    const reply: ViewsReply = { id: m.id, error: error instanceof Error ? error.message : String(error) }
    port.postMessage(reply)
  }
}
