// Preload (`node --import <this file>`) that records every module the process loads: ES modules
// through a resolve hook (posted back over a MessagePort) and CommonJS modules from require.cache.
// At exit it writes the list, one absolute path or URL per line, to $FERBENCH_LOADED_MODULES_OUT.
import { writeFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'

const out = process.env.FERBENCH_LOADED_MODULES_OUT
const { port1, port2 } = new MessageChannel()
port1.unref()
const hook = `
let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  port.postMessage(resolved.url)
  return resolved
}`
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] })

process.on('exit', () => {
  if (!out) return
  const loaded = new Set(Object.keys(createRequire(import.meta.url).cache))
  for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) loaded.add(String(m.message))
  writeFileSync(out, [...loaded].join('\n') + '\n')
})
