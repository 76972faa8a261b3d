// Rewrites a screenshot as a palette PNG (at most 256 colours), so the docs' copy stays
// small: a page of flat colours and anti-aliased text loses nothing visible. Reads the
// 8-bit RGB(A), non-interlaced PNGs Chromium writes; uses node:zlib only.
import { deflateSync, inflateSync, crc32 } from 'node:zlib'

function chunks(png) {
  const out = []
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    out.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) })
    at += 12 + length
  }
  return out
}

function chunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** The RGB pixels of an 8-bit RGB or RGBA PNG (alpha dropped: screenshots are opaque). */
function decode(png) {
  const parts = chunks(png)
  const header = parts.find((c) => c.type === 'IHDR').data
  const width = header.readUInt32BE(0)
  const height = header.readUInt32BE(4)
  const [depth, type, , , interlace] = header.subarray(8)
  if (depth !== 8 || (type !== 2 && type !== 6) || interlace !== 0) throw new Error('not an 8-bit RGB(A) PNG')
  const bpp = type === 6 ? 4 : 3
  const raw = inflateSync(Buffer.concat(parts.filter((c) => c.type === 'IDAT').map((c) => c.data)))
  const stride = width * bpp
  const pixels = Buffer.alloc(width * height * 3)
  let previous = Buffer.alloc(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)))
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0
      const b = previous[i]
      const c = i >= bpp ? previous[i - bpp] : 0
      let add = 0
      if (filter === 1) add = a
      else if (filter === 2) add = b
      else if (filter === 3) add = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      row[i] = (row[i] + add) & 0xff
    }
    for (let x = 0; x < width; x++) row.copy(pixels, (y * width + x) * 3, x * bpp, x * bpp + 3)
    previous = row
  }
  return { width, height, pixels }
}

/** A palette PNG of the same picture: the 256 most frequent colours, each pixel the nearest. */
export function quantize(png) {
  const { width, height, pixels } = decode(png)
  const counts = new Map()
  for (let i = 0; i < pixels.length; i += 3) {
    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]
    counts.set(key, (counts.get(key) || 0) + 1)
  }
  const palette = [...counts.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 256)
    .map(([key]) => key)
  const nearest = new Map()
  const index = (key) => {
    let found = nearest.get(key)
    if (found !== undefined) return found
    let best = Infinity
    const [r, g, b] = [key >> 16, (key >> 8) & 0xff, key & 0xff]
    palette.forEach((p, i) => {
      const d = (r - (p >> 16)) ** 2 + (g - ((p >> 8) & 0xff)) ** 2 + (b - (p & 0xff)) ** 2
      if (d < best) [best, found] = [d, i]
    })
    nearest.set(key, found)
    return found
  }
  const raw = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      raw[y * (width + 1) + 1 + x] = index((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2])
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 3, 0, 0, 0], 8)
  const plte = Buffer.alloc(palette.length * 3)
  palette.forEach((p, i) => plte.set([p >> 16, (p >> 8) & 0xff, p & 0xff], i * 3))
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
