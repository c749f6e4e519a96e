/**
 * One gate for every sharp (libvips) call that may run while images are decoded.
 *
 * libvips keeps one error buffer for the whole process: a failing operation appends its message
 * there, and every sharp operation clears it when it ends. When decodes run concurrently, a
 * failure can therefore carry another decode's message, or lose its own ("Warning treated as error
 * due to failOn setting"). Calls run shared (many at once) through `withSharp`; `withSharpAlone`
 * waits until no shared call is in flight, holds new ones back, and runs its work alone, so the
 * error buffer holds only that work's messages (src/datasets/decode.ts retries a failed decode this
 * way to name its own error). Shared calls must not nest inside each other or inside an alone call.
 */

const sharedWaiters: Array<() => void> = []
const aloneWaiters: Array<() => void> = []
let sharedHolders = 0
let aloneHeld = false

function pump(): void {
  if (aloneHeld) return
  if (aloneWaiters.length > 0) {
    // An alone call waits: no new shared call starts until it has run.
    if (sharedHolders === 0) {
      aloneHeld = true
      aloneWaiters.shift()!()
    }
    return
  }
  while (sharedWaiters.length > 0) {
    sharedHolders += 1
    sharedWaiters.shift()!()
  }
}

/** Runs `work` (sharp calls) alongside other shared calls, but never while an alone call runs. */
export async function withSharp<T>(work: () => Promise<T>): Promise<T> {
  await new Promise<void>((resolve) => {
    sharedWaiters.push(resolve)
    pump()
  })
  try {
    return await work()
  } finally {
    sharedHolders -= 1
    pump()
  }
}

/** Runs `work` (sharp calls) with no other gated sharp call in flight. */
export async function withSharpAlone<T>(work: () => Promise<T>): Promise<T> {
  await new Promise<void>((resolve) => {
    aloneWaiters.push(resolve)
    pump()
  })
  try {
    return await work()
  } finally {
    aloneHeld = false
    pump()
  }
}
