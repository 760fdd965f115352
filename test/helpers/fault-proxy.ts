// A loopback HTTP proxy in front of moto that makes AWS misbehave the way real AWS does and
// moto does not: throttling, 5xx, dropped connections, IAM's propagation delay and EC2's
// `associating` state. A seeded PRNG picks the faulted requests, so a failure reproduces
// with the same seed and the same sequence of calls. Error bodies use each service's wire
// protocol, so the SDK parses and classifies them exactly as it would real AWS errors
// (@smithy/core retry: THROTTLING_ERROR_CODES, 5xx and ECONNRESET are transient).
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * throttle: the service's throttling error; 5xx: 500 or 503; drop: the connection closes
 * before the request reaches moto; lost-response: moto handles the request, then the
 * connection closes before the reply (the caller cannot know the call took effect; opt-in,
 * since a retried create then meets "already exists").
 */
export type FaultKind = 'throttle' | '5xx' | 'drop' | 'lost-response';
export type RuleKind = 'iamPropagation' | 'associationPending';

/** The wire protocol of a request, which decides the shape of an injected error. */
export type WireProtocol = 'query' | 'ec2' | 'json' | 's3' | 'rest-json';

export interface AwsRequestInfo {
  /** signing name from the credential scope: iam, ec2, autoscaling, sts, ssm, cloudtrail, ... */
  service: string;
  /** Action= (query), X-Amz-Target's operation (json), else the HTTP method */
  operation: string;
  protocol: WireProtocol;
}

export interface FaultProxyRules {
  /**
   * (a) EC2 does not know a new instance profile yet: AssociateIamInstanceProfile and
   * ReplaceIamInstanceProfileAssociation naming it fail with InvalidParameterValue for its
   * first `failFirst` attempts, and/or for `forMs` after its CreateInstanceProfile passed
   * through this proxy.
   */
  iamPropagation?: { failFirst?: number; forMs?: number };
  /**
   * (b) a new association reads `associating` (as real AWS returns it) in the
   * Associate/Replace reply and in the first `describes` DescribeIamInstanceProfileAssociations
   * replies that show it, per instance, for associations made through this proxy.
   */
  associationPending?: { describes: number };
}

export interface FaultProxyOptions {
  /** moto's endpoint, e.g. http://127.0.0.1:5000 */
  target: string;
  /** fraction of AWS requests (0..1) answered with a random fault instead of moto's reply */
  rate: number;
  seed?: number;
  /** which random faults to draw from; default throttle, 5xx, drop */
  faults?: FaultKind[];
  rules?: FaultProxyRules;
  /** which requests random faults may hit; default every AWS request (never /moto-api) */
  match?: (request: AwsRequestInfo) => boolean;
}

export type OperationStats = { requests: number; forwarded: number } & Record<FaultKind | RuleKind, number>;

export interface FaultEvent {
  /** 1-based number of the AWS request */
  seq: number;
  /** "service:Operation" */
  operation: string;
  kind: FaultKind | RuleKind;
  /** the error code sent, for throttle/5xx/iamPropagation */
  code?: string;
}

export interface FaultStats {
  /** AWS requests seen (moto control calls not counted) */
  requests: number;
  /** AWS requests that reached moto */
  forwarded: number;
  /** /moto-api/... requests, always passed through untouched */
  control: number;
  faults: Record<FaultKind, number>;
  rules: Record<RuleKind, number>;
  /** keyed "service:Operation", e.g. "iam:CreateRole" */
  byOperation: Record<string, OperationStats>;
  events: FaultEvent[];
}

export interface FaultProxy {
  /** point SDK clients here (endpoint / --endpoint-url) */
  endpoint: string;
  stats: FaultStats;
  /** change the random fault rate for the following requests */
  setRate(rate: number): void;
  stop(): Promise<void>;
}

interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_FAULTS: FaultKind[] = ['throttle', '5xx', 'drop'];

// X-Amz-Target prefixes of JSON services, for requests whose credential scope is missing
const TARGET_SERVICES: Record<string, string> = {
  AmazonSSM: 'ssm',
  CloudTrail_20131101: 'cloudtrail',
  TrentService: 'kms',
  secretsmanager: 'secretsmanager',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  AmazonSQS: 'sqs',
  AmazonAthena: 'athena',
};

// hop-by-hop headers a proxy must not pass on
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** mulberry32: small, fast, and the same sequence for the same seed on every platform */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The request's parameters when it is a query-protocol call (form body or query string). */
function queryParams(req: IncomingMessage, url: URL, body: Buffer): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if ((header(req.headers, 'content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

function serviceOf(req: IncomingMessage, url: URL, target: string | undefined): string {
  // SigV4 credential scope: <key>/<date>/<region>/<service>/aws4_request
  const auth = header(req.headers, 'authorization') ?? '';
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope) return scope[1]!;
  const presigned = url.searchParams.get('X-Amz-Credential')?.split('/')[3];
  if (presigned) return presigned;
  if (target) return TARGET_SERVICES[target.split('.')[0]!] ?? 'unknown';
  const host = header(req.headers, 'host') ?? '';
  return /^([a-z0-9-]+)\.[a-z0-9-]*\.?amazonaws\.com/.exec(host)?.[1] ?? 'unknown';
}

function identify(req: IncomingMessage, url: URL, params: URLSearchParams): AwsRequestInfo {
  const target = header(req.headers, 'x-amz-target');
  const service = serviceOf(req, url, target);
  if (target) return { service, operation: target.split('.').pop() ?? target, protocol: 'json' };
  const action = params.get('Action');
  if (service === 'ec2') return { service, operation: action ?? req.method ?? 'GET', protocol: 'ec2' };
  if (service === 's3') return { service, operation: req.method ?? 'GET', protocol: 's3' };
  if (action) return { service, operation: action, protocol: 'query' };
  return { service, operation: req.method ?? 'GET', protocol: 'rest-json' };
}

/** An error reply in the request's own protocol, shaped as AWS sends it. */
function errorReply(protocol: WireProtocol, status: number, code: string, message: string): ErrorReply {
  const requestId = randomUUID();
  const msg = xmlEscape(message);
  switch (protocol) {
    case 'ec2':
      // EC2: <Response><Errors><Error>, request id tag RequestID (AWS EC2 API "Error codes")
      return {
        status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${msg}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query': {
      // IAM, STS, Auto Scaling...: <ErrorResponse><Error><Type>Sender|Receiver</Type>
      const type = status >= 500 ? 'Receiver' : 'Sender';
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${msg}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 's3':
      return {
        status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${msg}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    case 'json':
    case 'rest-json':
      // JSON protocols: the code in __type and in the x-amzn-ErrorType header
      return {
        status,
        headers: {
          'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json',
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: code, message }),
      };
  }
}

function throttleReply(protocol: WireProtocol): ErrorReply {
  switch (protocol) {
    case 'ec2':
      return errorReply(protocol, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
    case 'query':
      return errorReply(protocol, 400, 'Throttling', 'Rate exceeded');
    case 's3':
      return errorReply(protocol, 503, 'SlowDown', 'Please reduce your request rate.');
    case 'json':
      return errorReply(protocol, 400, 'ThrottlingException', 'Rate exceeded');
    case 'rest-json':
      return errorReply(protocol, 429, 'TooManyRequestsException', 'Rate exceeded');
  }
}

function serverErrorReply(protocol: WireProtocol, unavailable: boolean): ErrorReply {
  // the names each family documents: EC2 InternalError/Unavailable, the rest the common errors
  if (protocol === 'ec2') {
    return unavailable
      ? errorReply(protocol, 503, 'Unavailable', "The server is overloaded and can't handle the request.")
      : errorReply(protocol, 500, 'InternalError', 'An internal error has occurred.');
  }
  if (protocol === 's3') {
    return unavailable
      ? errorReply(protocol, 503, 'ServiceUnavailable', 'Service is unable to handle request.')
      : errorReply(protocol, 500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
  return unavailable
    ? errorReply(protocol, 503, 'ServiceUnavailable', 'Service is unavailable. Please try again later.')
    : errorReply(protocol, 500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
}

function profileNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function emptyOperationStats(): OperationStats {
  return { requests: 0, forwarded: 0, throttle: 0, '5xx': 0, drop: 0, 'lost-response': 0, iamPropagation: 0, associationPending: 0 };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const targetUrl = new URL(options.target);
  const faults = options.faults ?? DEFAULT_FAULTS;
  if (faults.length === 0) throw new Error('fault proxy: faults must name at least one kind');
  let rate = options.rate;
  const checkRate = (r: number) => {
    if (!(r >= 0 && r <= 1)) throw new Error(`fault proxy: rate must be within 0..1, got ${r}`);
  };
  checkRate(rate);
  const random = prng(options.seed ?? 1);
  const rules = options.rules ?? {};
  const agent = new Agent({ keepAlive: true });

  const stats: FaultStats = {
    requests: 0,
    forwarded: 0,
    control: 0,
    faults: { throttle: 0, '5xx': 0, drop: 0, 'lost-response': 0 },
    rules: { iamPropagation: 0, associationPending: 0 },
    byOperation: {},
    events: [],
  };

  // rule (a): attempts per instance profile name, and when its creation passed through
  const profileAttempts = new Map<string, number>();
  const profileCreatedAt = new Map<string, number>();
  // rule (b): describes left that show `associating`, per instance id
  const pendingDescribes = new Map<string, number>();

  function record(seq: number, key: string, kind: FaultKind | RuleKind, code?: string): void {
    const op = (stats.byOperation[key] ??= emptyOperationStats());
    op[kind]++;
    if (kind === 'iamPropagation' || kind === 'associationPending') stats.rules[kind]++;
    else stats.faults[kind]++;
    stats.events.push(code ? { seq, operation: key, kind, code } : { seq, operation: key, kind });
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const up = httpRequest(
        { hostname: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  function send(res: ServerResponse, status: number, headers: IncomingHttpHeaders | Record<string, string>, body: Buffer | string): void {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== 'content-length') out[name] = value;
    }
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    out['content-length'] = String(buf.length);
    res.writeHead(status, out);
    res.end(buf);
  }

  /** Rule (a): the rejection for an association naming a profile EC2 "cannot see" yet. */
  function propagationRejection(info: AwsRequestInfo, params: URLSearchParams): ErrorReply | undefined {
    const rule = rules.iamPropagation;
    if (!rule || info.service !== 'ec2') return undefined;
    if (info.operation !== 'AssociateIamInstanceProfile' && info.operation !== 'ReplaceIamInstanceProfileAssociation') return undefined;
    const arn = params.get('IamInstanceProfile.Arn');
    const name = params.get('IamInstanceProfile.Name');
    const profile = arn ? profileNameOfArn(arn) : name;
    if (!profile) return undefined;
    const attempt = (profileAttempts.get(profile) ?? 0) + 1;
    profileAttempts.set(profile, attempt);
    const created = profileCreatedAt.get(profile);
    const byCount = rule.failFirst !== undefined && attempt <= rule.failFirst;
    const byTime = rule.forMs !== undefined && created !== undefined && Date.now() - created < rule.forMs;
    if (!byCount && !byTime) return undefined;
    // the message EC2 sends for a profile it does not know (yet)
    const message = arn
      ? `Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`
      : `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`;
    return errorReply('ec2', 400, 'InvalidParameterValue', message);
  }

  /** Learn from moto's replies (rule (a)'s creation times) and rewrite them (rule (b)). */
  function observeReply(seq: number, key: string, info: AwsRequestInfo, params: URLSearchParams, status: number, body: Buffer): Buffer {
    if (status !== 200) return body;
    if (info.service === 'iam' && info.operation === 'CreateInstanceProfile') {
      const name = params.get('InstanceProfileName');
      if (name) {
        profileCreatedAt.set(name, Date.now());
        profileAttempts.delete(name); // a re-created profile propagates anew
      }
      return body;
    }
    const rule = rules.associationPending;
    if (!rule || info.service !== 'ec2') return body;
    let text = body.toString('utf8');
    if (info.operation === 'AssociateIamInstanceProfile' || info.operation === 'ReplaceIamInstanceProfileAssociation') {
      const instanceId = /<instanceId>([^<]+)<\/instanceId>/.exec(text)?.[1];
      if (!instanceId || rule.describes <= 0) return body;
      pendingDescribes.set(instanceId, rule.describes);
      // real EC2 answers `associating` here; moto's reply may already say so
      if (!text.includes('<state>associated</state>')) return body;
      record(seq, key, 'associationPending');
      return Buffer.from(text.replace('<state>associated</state>', '<state>associating</state>'));
    }
    if (info.operation === 'DescribeIamInstanceProfileAssociations' && pendingDescribes.size > 0) {
      let rewrote = false;
      text = text.replace(/<item>([\s\S]*?)<\/item>/g, (item: string, inner: string) => {
        const instanceId = /<instanceId>([^<]+)<\/instanceId>/.exec(inner)?.[1];
        const left = instanceId ? pendingDescribes.get(instanceId) : undefined;
        if (!instanceId || left === undefined || !inner.includes('<state>associated</state>')) return item;
        if (left <= 1) pendingDescribes.delete(instanceId);
        else pendingDescribes.set(instanceId, left - 1);
        rewrote = true;
        return item.replace('<state>associated</state>', '<state>associating</state>');
      });
      if (!rewrote) return body;
      record(seq, key, 'associationPending');
      return Buffer.from(text);
    }
    return body;
  }

  function drop(res: ServerResponse): void {
    // no status line at all: the client sees the connection reset (ECONNRESET / socket hang up)
    res.socket?.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    if (url.pathname.startsWith('/moto-api')) {
      // moto's own control endpoints (reset, data.json, seeding) are never faulted
      stats.control++;
      const up = await forward(req, body);
      send(res, up.status, up.headers, up.body);
      return;
    }

    const params = queryParams(req, url, body);
    const info = identify(req, url, params);
    const key = `${info.service}:${info.operation}`;
    const seq = ++stats.requests;
    const opStats = (stats.byOperation[key] ??= emptyOperationStats());
    opStats.requests++;

    const rejection = propagationRejection(info, params);
    if (rejection) {
      record(seq, key, 'iamPropagation', 'InvalidParameterValue');
      send(res, rejection.status, rejection.headers, rejection.body);
      return;
    }

    // three draws per request whatever happens, so one request's outcome never shifts the next's
    const hit = random() < rate;
    const kindDraw = random();
    const variantDraw = random();
    const fault = hit && (options.match?.(info) ?? true) ? faults[Math.floor(kindDraw * faults.length)]! : undefined;

    if (fault === 'drop') {
      record(seq, key, 'drop');
      drop(res);
      return;
    }
    if (fault === 'throttle' || fault === '5xx') {
      const reply = fault === 'throttle' ? throttleReply(info.protocol) : serverErrorReply(info.protocol, variantDraw < 0.5);
      record(seq, key, fault, /<Code>([^<]+)<\/Code>/.exec(reply.body)?.[1] ?? reply.headers['x-amzn-errortype']);
      send(res, reply.status, reply.headers, reply.body);
      return;
    }

    const up = await forward(req, body);
    stats.forwarded++;
    opStats.forwarded++;
    if (fault === 'lost-response') {
      record(seq, key, 'lost-response');
      drop(res);
      return;
    }
    send(res, up.status, up.headers, observeReply(seq, key, info, params, up.status, up.body));
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // moto unreachable or the client went away: answer 502 if still possible
      if (!res.headersSent && !res.destroyed) send(res, 502, { 'content-type': 'text/plain' }, `fault proxy: ${(e as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fault proxy: no listening address');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stats,
    setRate(r: number) {
      checkRate(r);
      rate = r;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      agent.destroy();
      await closed;
    },
  };
}
