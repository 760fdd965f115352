// The instance metadata service as the cutover payload asks it, for the demo's and the tests'
// fixture hosts: a loopback HTTP server that answers IMDSv2 (a token from PUT
// /latest/api/token, then GET /latest/meta-data/iam/security-credentials/ with it) for many
// instances at once, each under its own prefix: http://127.0.0.1:PORT/<instanceId>/latest/...
// The role an instance has comes from the resolver (the demo asks moto for the instance's
// profile association), so an instance answers with a role only once one is attached. No
// credentials are served: the payload needs only the role's name.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The role name of an instance's profile, or null when it has none. */
export type RoleResolver = (instanceId: string) => Promise<string | null>;

export interface ImdsEmulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** the endpoint one instance's payload is given (KEYSHIFT_IMDS_ENDPOINT) */
  endpointFor(instanceId: string): string;
  close(): Promise<void>;
}

const INSTANCE = /^[A-Za-z0-9-]{1,64}$/;
const MAX_TTL_SECONDS = 21_600;

export async function startImdsEmulator(resolveRole: RoleResolver, options: { port?: number } = {}): Promise<ImdsEmulator> {
  const tokens = new Map<string, { instanceId: string; expires: number }>();

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://imds');
    const match = /^\/([^/]+)(\/latest\/.*)$/.exec(url.pathname);
    const instanceId = match?.[1];
    const path = match?.[2];
    if (!instanceId || !path || !INSTANCE.test(instanceId)) return reply(res, 404, 'Not Found');

    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return reply(res, 405, 'Method Not Allowed');
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return reply(res, 400, 'Bad Request');
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, { instanceId, expires: Date.now() + ttl * 1000 });
      return reply(res, 200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }

    if (req.method !== 'GET') return reply(res, 405, 'Method Not Allowed');
    // IMDSv2 only: a request without a valid token for this instance is refused, as with httpTokens=required
    const token = req.headers['x-aws-ec2-metadata-token'];
    const session = typeof token === 'string' ? tokens.get(token) : undefined;
    if (!session || session.instanceId !== instanceId || session.expires < Date.now()) return reply(res, 401, 'Unauthorized');

    if (path === '/latest/meta-data/instance-id') return reply(res, 200, instanceId);
    if (path === '/latest/meta-data/iam/security-credentials/' || path === '/latest/meta-data/iam/security-credentials') {
      const role = await resolveRole(instanceId);
      return role ? reply(res, 200, role) : reply(res, 404, 'Not Found');
    }
    return reply(res, 404, 'Not Found');
  }

  const server = createServer((req, res) => {
    answer(req, res).catch(() => reply(res, 500, 'Internal Server Error'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpointFor: (instanceId) => `${url}/${instanceId}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
}
