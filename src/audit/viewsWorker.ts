// Worker thread of src/audit/viewsPool.ts: computes the view parts of each image it is sent (src/audit/imageSignature.ts) and aligns the pairs it is sent (src/audit/alignPair.ts).
import { parentPort } from 'node:worker_threads'
import { viewParts } from './imageSignature.js'
import { alignJobs, type ViewsReply, type ViewsRequest } from './viewsPool.js'

const port = parentPort!
port.on('message', (m: ViewsRequest) => {
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
})
