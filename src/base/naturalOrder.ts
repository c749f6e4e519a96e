/**
 * Natural order of ids: runs of digits compare by value (`row-343` before `row-1017`,
 * `img2.png` before `img10.png`), everything else by code point, so the order is the same on
 * every machine and locale.
 */
const CHUNK = /(\d+)|(\D+)/g

export function naturalCompare(a: string, b: string): number {
  const xs = a.match(CHUNK) ?? []
  const ys = b.match(CHUNK) ?? []
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i]!
    const y = ys[i]!
    const xd = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57
    const yd = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57
    if (xd && yd) {
      const xt = x.replace(/^0+(?=\d)/, '')
      const yt = y.replace(/^0+(?=\d)/, '')
      if (xt.length !== yt.length) return xt.length - yt.length
      if (xt !== yt) return xt < yt ? -1 : 1
      if (x.length !== y.length) return x.length - y.length // more leading zeros last
    } else if (x !== y) return x < y ? -1 : 1
  }
  return xs.length - ys.length || (a < b ? -1 : a > b ? 1 : 0)
}

/** Code-point order (not locale order): the same on every machine. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
