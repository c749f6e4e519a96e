import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'

/** Listens on a free loopback port; returns its URL and a close() that ends open connections too. */
async function listen(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A loopback HTTP server for the model-pull tests: each request is recorded, then answered by `handle`. */
export interface TestServer {
  url: string
  requests: { path: string; range: string | undefined }[]
  close(): Promise<void>
}

export async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<TestServer> {
  const requests: TestServer['requests'] = []
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', range: req.headers.range })
    handle(req, res, requests.length)
  })
  return { ...(await listen(server)), requests }
}

/** Answers a GET for `body`, honouring `Range: bytes=N-` with a 206. */
export function serveBytes(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  if (range) {
    const start = Number(range[1])
    res.writeHead(206, {
      'content-length': body.length - start,
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    })
    res.end(body.subarray(start))
    return
  }
  res.writeHead(200, { 'content-length': body.length })
  res.end(body)
}

/** A loopback forward proxy (CONNECT tunnels and absolute-form requests), recording what it was asked for. */
export async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(`GET ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, headers: req.headers, method: req.method },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    req.pipe(upstream)
  })
  server.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`)
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return { ...(await listen(server)), seen }
}
