// A loopback proxy between `keyshift apply` and moto, for the benchmark: it counts every AWS
// request keyshift sends (reads, writes and retries, by service and operation), and answers
// iam:SimulatePrincipalPolicy itself. moto does not implement the policy simulator and answers
// it with a 500, which the SDK (adaptive retries, 8 attempts) retries with backoff for 2 to 4 s
// before keyshift gives up on the simulator: seconds of waiting per workload that a real
// account, whose simulator answers at once, never has. The proxy answers AccessDenied (403, not
// retried), as IAM does for an operator without iam:SimulatePrincipalPolicy; keyshift then
// warns and keeps its own pre-flight evaluator's answer, exactly as it does on moto.
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MotoProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** requests by `service:Operation` since the last take() */
  take(): Record<string, number>;
  close(): Promise<void>;
}

export interface MotoProxyOptions {
  /** moto's endpoint */
  target: string;
  /** answer iam:SimulatePrincipalPolicy with AccessDenied instead of passing it to moto */
  stubSimulator: boolean;
}

/** `service:Operation` from the SigV4 credential scope and the query Action or JSON target. */
function operationOf(req: IncomingMessage, body: string): string {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
  const target = req.headers['x-amz-target'];
  const action =
    (typeof target === 'string' ? target.split('.').at(-1) : undefined) ??
    new URLSearchParams(body).get('Action') ??
    new URL(req.url ?? '/', 'http://x').searchParams.get('Action') ??
    `${req.method ?? '?'} ${(req.url ?? '/').split('?')[0]}`;
  return `${service}:${action}`;
}

const ACCESS_DENIED = (requestId: string) =>
  `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>the benchmark's stand-in for IAM's policy simulator, which moto lacks</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;

export async function startMotoProxy(o: MotoProxyOptions): Promise<MotoProxy> {
  const target = new URL(o.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let counts: Record<string, number> = {};

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req, body.length < 65_536 ? body.toString('utf8') : '');
      if (!(req.url ?? '').startsWith('/moto-api')) counts[op] = (counts[op] ?? 0) + 1;
      if (o.stubSimulator && op === 'iam:SimulatePrincipalPolicy') {
        const text = ACCESS_DENIED(randomUUID());
        res.writeHead(403, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'content-length': String(body.length) }, agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const out = counts;
      counts = {};
      return out;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
