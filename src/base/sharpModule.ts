import type Sharp from 'sharp'

let loaded: typeof Sharp | undefined

/** sharp, imported on first use: its native binding costs start-up time that commands without images should not pay. */
export async function loadSharp(): Promise<typeof Sharp> {
  loaded ??= (await import('sharp')).default
  return loaded
}
