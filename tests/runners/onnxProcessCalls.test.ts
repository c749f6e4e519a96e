import type { ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { CALLS_MESSAGE_BYTES, childHost } from '../../src/runners/onnxProcess.js'
import type { ProcessRequest, WorkerRequest } from '../../src/runners/onnxThreadMessages.js'

/** A stand-in for the runner process: records what the host sends over its IPC channel. */
function fakeChild(): { child: ChildProcess; sent: ProcessRequest[] } {
  const sent: ProcessRequest[] = []
  const child = Object.assign(new EventEmitter(), {
    pid: 1,
    connected: true,
    send: (message: ProcessRequest) => {
      sent.push(message)
      return true
    },
  })
  return { child: child as unknown as ChildProcess, sent }
}

const scale = { mul: [1], add: [0], channels: 1, plane: 4, layout: 'NCHW' as const }
const call = (id: number, bytes = 4): WorkerRequest => ({
  kind: 'runPixels',
  id,
  pixels: new Uint8Array(bytes).fill(id),
  rows: 1,
  scale,
  dims: [1, 1, 2, 2],
})
const ids = (message: ProcessRequest): number[] =>
  message.kind === 'calls' ? message.requests.map((r) => ('id' in r ? r.id : -1)) : ['id' in message ? message.id : -1]

describe('the runner process channel sends the calls of one turn together (src/runners/onnxProcess.ts)', () => {
  it('holds calls to the end of the turn, then sends them in one message, in order', async () => {
    const { child, sent } = fakeChild()
    const host = childHost(child)
    expect(host.copiesOnPost).toBe(true) // the host copies the caller's buffer when it posts
    const buffers: Uint8Array[] = []
    for (let id = 0; id < 5; id++) {
      const request = call(id)
      host.post(request, [])
      if (request.kind === 'runPixels') buffers.push(request.pixels)
    }
    for (const b of buffers) b.fill(99) // the caller refills its buffer at once: the held calls keep their pixels
    expect(sent).toHaveLength(0)
    await nextTurn()
    expect(sent).toHaveLength(1)
    expect(sent[0]!.kind).toBe('calls')
    expect(ids(sent[0]!)).toEqual([0, 1, 2, 3, 4])
    const held = sent[0]!.kind === 'calls' ? sent[0]!.requests : []
    expect(held.map((r) => (r.kind === 'runPixels' ? [...r.pixels] : []))).toEqual(
      [0, 1, 2, 3, 4].map((id) => [id, id, id, id]),
    )
    host.post(call(5), [])
    await nextTurn()
    expect(sent[1]).toMatchObject({ kind: 'runPixels', id: 5 }) // one call alone goes as itself
  })

  it('sends held calls before a release, and at once when a message would pass its byte cap', async () => {
    const { child, sent } = fakeChild()
    const host = childHost(child)
    host.post(call(0), [])
    host.post(call(1), [])
    host.post({ kind: 'release' }, [])
    expect(sent.map((m) => m.kind)).toEqual(['calls', 'release'])
    expect(ids(sent[0]!)).toEqual([0, 1])
    const half = CALLS_MESSAGE_BYTES / 2
    host.post(call(2, half), [])
    expect(sent).toHaveLength(2)
    host.post(call(3, half), []) // reaches the cap: sent now, not at the end of the turn
    expect(sent).toHaveLength(3)
    expect(ids(sent[2]!)).toEqual([2, 3])
    await nextTurn()
    expect(sent).toHaveLength(3) // nothing left held
  })

  it('sends nothing once the process is gone', async () => {
    const { child, sent } = fakeChild()
    const host = childHost(child)
    host.post(call(0), [])
    ;(child as unknown as { connected: boolean }).connected = false
    await nextTurn()
    expect(sent).toHaveLength(0)
  })
})
