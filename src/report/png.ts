import { loadSharp } from '../base/sharpModule.js'

/** An SVG rasterised to PNG (sharp/librsvg, 2× density): every PNG ferbench writes is made so. */
export async function rasterise(svg: string): Promise<Buffer> {
  const sharp = await loadSharp()
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer()
}
