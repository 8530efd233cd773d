/**
 * A small HTTP proxy in front of the real reference server that breaks one rule. The self-tests
 * point the suite at it and check that the suite fails naming the requirement the fault breaks.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ProxiedRequest {
  method: string;
  /** The client's address; the proxy connects upstream from it (on loopback), so that a server which
   * tells clients apart by address (a login rate limit) still can. A fault may change it. */
  client?: string;
  /** Path with query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxiedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface Fault {
  /** Change the request, or answer it without the server by returning a response. */
  request?: (req: ProxiedRequest) => ProxiedRequest | ProxiedResponse | void;
  /** Change the server's response. */
  response?: (res: ProxiedResponse, req: ProxiedRequest) => ProxiedResponse | void | Promise<ProxiedResponse | void>;
}

export interface RunningProxy {
  baseURL: string;
  /** "METHOD /path" of every exchange the fault changed (or answered itself), in order, repeats kept. */
  altered(): string[];
  close(): Promise<void>;
}

export function pathOf(req: ProxiedRequest): string {
  return req.url.split('?')[0];
}

export function header(res: ProxiedResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

export function withHeader(res: ProxiedResponse, name: string, value: string | undefined): ProxiedResponse {
  const headers = res.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
  if (value !== undefined) headers.push([name, value]);
  return { ...res, headers };
}

/** Rewrite a JSON body; other bodies pass unchanged. */
export function editJson(res: ProxiedResponse, edit: (body: any) => unknown): ProxiedResponse {
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return res;
  }
  const out = edit(body);
  return { ...res, body: Buffer.from(JSON.stringify(out === undefined ? body : out)) };
}

export function json(status: number, body: unknown, headers: Array<[string, string]> = []): ProxiedResponse {
  return { status, headers: [['content-type', 'application/json'], ...headers], body: Buffer.from(JSON.stringify(body)) };
}

function isResponse(x: ProxiedRequest | ProxiedResponse): x is ProxiedResponse {
  return 'status' in x;
}

/** What an exchange looks like on the wire, to tell whether a fault changed it (faults may edit in place). */
function fingerprint(x: ProxiedRequest | ProxiedResponse): string {
  const head = isResponse(x) ? [x.status, x.headers] : [x.method, x.url, x.headers, x.client];
  return `${JSON.stringify(head)}\n${x.body.toString('base64')}`;
}

export async function startFaultProxy(upstream: string, fault: Fault): Promise<RunningProxy> {
  const target = new URL(upstream);
  const altered: string[] = [];
  const server: Server = createServer((clientReq, clientRes) => {
    const chunks: Buffer[] = [];
    clientReq.on('data', (c: Buffer) => chunks.push(c));
    clientReq.on(
      'end',
      () =>
        void (async () => {
          try {
            let req: ProxiedRequest = {
              method: clientReq.method ?? 'GET',
              client: clientReq.socket.remoteAddress?.replace(/^::ffff:/, ''),
              url: clientReq.url ?? '/',
              headers: { ...clientReq.headers },
              body: Buffer.concat(chunks),
            };
            const exchange = `${req.method} ${pathOf(req)}`;
            const sent = fingerprint(req);
            const changed = fault.request?.(req);
            let res: ProxiedResponse;
            let touched: boolean;
            if (changed && isResponse(changed)) {
              res = changed;
              touched = true;
            } else {
              if (changed) req = changed;
              touched = fingerprint(req) !== sent;
              res = await forward(target, req);
              const served = fingerprint(res);
              res = (await fault.response?.(res, req)) ?? res;
              touched ||= fingerprint(res) !== served;
            }
            if (touched) altered.push(exchange);
            const headers = res.headers.filter(([k]) => !/^(content-length|transfer-encoding|connection)$/i.test(k));
            clientRes.writeHead(res.status, [...headers.flat(), 'content-length', String(res.body.length)]);
            clientRes.end(res.body);
          } catch (e) {
            clientRes.writeHead(502, { 'content-type': 'text/plain' });
            clientRes.end(`fault proxy: ${(e as Error).message}`);
          }
        })(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseURL: `http://127.0.0.1:${port}`,
    altered: () => [...altered],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LOOPBACK = /^127\.\d+\.\d+\.\d+$/;

function forward(target: URL, req: ProxiedRequest): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(req.body.length) };
    delete headers['transfer-encoding'];
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        ...(req.client && LOOPBACK.test(req.client) ? { localAddress: req.client } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode ?? 502, headers: pairs, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.on('error', reject);
    upstream.end(req.body);
  });
}
