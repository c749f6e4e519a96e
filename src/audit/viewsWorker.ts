// Worker thread of src/audit/viewsPool.ts: computes the view parts of each image it is sent (src/audit/imageSignature.ts).
import { parentPort } from 'node:worker_threads'
import { viewParts } from './imageSignature.js'
import type { ViewsReply, ViewsRequest } from './viewsPool.js'

const port = parentPort!
port.on('message', (m: ViewsRequest) => {
  try {
    const parts = viewParts({ data: m.data, width: m.width, height: m.height, channels: m.channels })
    const reply: ViewsReply = { id: m.id, parts }
    const buffers = [parts.base.buffer, parts.hashes.buffer, parts.weak.buffer, parts.grids.buffer] as ArrayBuffer[]
    port.postMessage(reply, buffers)
  } catch (error) {
    const reply: ViewsReply = { id: m.id, error: error instanceof Error ? error.message : String(error) }
    port.postMessage(reply)
  }
})
