import { once } from 'node:events'
import { createWriteStream, mkdirSync, truncateSync } from 'node:fs'
import path from 'node:path'
import { EnvHttpProxyAgent, fetch } from 'undici'
import { sizeOf } from './cache.js'

/**
 * One file over HTTP(S) into a `.part` file, resuming with a Range request where an earlier
 * attempt (this run or a previous one) stopped. Proxies come from HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY (either case), as curl reads them. Verifying the bytes is the caller's job (src/zoo/pull.ts).
 */
export interface TransferOptions {
  /** Seconds without a byte (connecting, waiting for headers, or between body chunks) before an attempt is given up. */
  timeoutS: number
  /** Attempts in all; each one after the first resumes where the last stopped. */
  attempts: number
  /** Bytes of this file on disk so far (resumed bytes included), as they arrive. */
  onBytes?: (bytes: number) => void
}

/** A failure that another attempt cannot mend: a 4xx status, or a body that is not the pinned file. */
export class TransferRefused extends Error {}

/** The last failure's words, down its cause chain (undici wraps socket and timeout errors). */
export function describeFailure(error: unknown): string {
  const parts: string[] = []
  let e: unknown = error
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error) {
      const code = (e as Error & { code?: unknown }).code
      const text = typeof code === 'string' ? `${e.message} (${code})` : e.message
      if (!parts.includes(text)) parts.push(text)
      e = e.cause
    } else {
      parts.push(String(e))
      break
    }
  }
  return parts.join(': ')
}

function timedOut(error: unknown): boolean {
  return /UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT/.test(describeFailure(error))
}

async function attempt(
  url: string,
  part: string,
  expectedBytes: number,
  agent: EnvHttpProxyAgent,
  opts: TransferOptions,
) {
  const have = sizeOf(part) ?? 0
  const headers = new Headers({ 'user-agent': 'ferbench (models pull)' })
  if (have > 0) headers.set('range', `bytes=${have}-`)
  const res = await fetch(url, { headers, dispatcher: agent, redirect: 'follow' })
  if (res.status === 416 && have > 0) {
    await res.body?.cancel()
    truncateSync(part, 0)
    throw new Error(`the server refused to resume at byte ${have} (HTTP 416); starting again`)
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel()
    const text = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new TransferRefused(text)
    throw new Error(text)
  }
  let offset = 0
  if (res.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '')
    if (!range || Number(range[1]) !== have) {
      await res.body?.cancel()
      truncateSync(part, 0)
      throw new Error(
        `the server resumed at another byte than ${have} (${res.headers.get('content-range')}); starting again`,
      )
    }
    offset = have
  }
  const length = Number(res.headers.get('content-length') ?? Number.NaN)
  if (res.status === 200 && Number.isFinite(length) && length !== expectedBytes) {
    await res.body?.cancel()
    throw new TransferRefused(`the server offers ${length} bytes; the registry pins ${expectedBytes}`)
  }
  const out = createWriteStream(part, { flags: offset === 0 ? 'w' : 'a' })
  let bytes = offset
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        bytes += chunk.byteLength
        if (bytes > expectedBytes)
          throw new TransferRefused(`the server sent more than the ${expectedBytes} bytes the registry pins`)
        if (!out.write(chunk)) await once(out, 'drain')
        opts.onBytes?.(bytes)
      }
    }
  } finally {
    out.end()
    await once(out, 'close')
  }
}

/**
 * undici marks EnvHttpProxyAgent experimental with a process warning on first use; its proxy rules
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as curl reads them) are what we want, so that one warning is held back.
 */
function quietly<T>(make: () => T): T {
  const emit = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1]
    if (code === 'UNDICI-EHPA') return
    ;(emit as (...args: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return make()
  } finally {
    process.emitWarning = emit
  }
}

/** Downloads `url` into `part` (resuming what is there) until it holds `expectedBytes`, or throws the last failure. */
export async function transferFile(
  url: string,
  part: string,
  expectedBytes: number,
  opts: TransferOptions,
): Promise<void> {
  mkdirSync(path.dirname(part), { recursive: true })
  const timeoutMs = Math.round(opts.timeoutS * 1000)
  const agent = quietly(
    () => new EnvHttpProxyAgent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } }),
  )
  let last: unknown
  try {
    for (let n = 1; n <= opts.attempts; n++) {
      if ((sizeOf(part) ?? 0) > expectedBytes) truncateSync(part, 0)
      if ((sizeOf(part) ?? 0) === expectedBytes) return
      try {
        await attempt(url, part, expectedBytes, agent, opts)
        const size = sizeOf(part) ?? 0
        if (size === expectedBytes) return
        last = new Error(`the connection ended after ${size} of ${expectedBytes} bytes`)
      } catch (error) {
        if (error instanceof TransferRefused) throw error
        last = timedOut(error) ? new Error(`no byte for ${opts.timeoutS} s (--timeout-s)`, { cause: error }) : error
      }
    }
  } finally {
    await agent.close()
  }
  throw last instanceof Error ? last : new Error(String(last))
}
