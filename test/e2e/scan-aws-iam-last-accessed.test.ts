// Service last accessed data (IAM access advisor) in the IAM scan. moto does not implement
// GenerateServiceLastAccessedDetails / GetServiceLastAccessedDetails (it answers HTTP 500;
// scan-aws-iam.test.ts checks that the part is then UNAVAILABLE and incomplete). The success,
// failure and timeout paths are tested here with recorded responses, shaped like the IAM API
// reference's example, injected by an SDK middleware on the real IAM client for those two
// commands only; users and keys still come from moto. The waits use an injected sleep.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  IAMServiceException,
  type GenerateServiceLastAccessedDetailsCommandInput,
  type GetServiceLastAccessedDetailsCommandInput,
  type GetServiceLastAccessedDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { RecordingHost } from '../../src/io/host.js';
import { scanIam } from '../../src/scan/aws/iam/scan-iam.js';
import { IncompleteParts } from '../../src/scan/aws/partial-access.js';
import { startMoto, type Moto } from '../helpers/moto.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  for (const [k, v] of Object.entries(moto.env)) vi.stubEnv(k, v);
  const iam = new IAMClient({ region: REGION, endpoint: moto.endpoint });
  for (const name of ['alice', 'bob', 'carol']) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
});

type Recorded = Omit<GetServiceLastAccessedDetailsCommandOutput, '$metadata'>;

const inProgress: Recorded = { JobStatus: 'IN_PROGRESS', JobCreationDate: new Date('2025-05-31T19:47:31.466Z'), JobCompletionDate: undefined, ServicesLastAccessed: [] };
/** The IAM API reference's example answer, split over two pages to exercise Marker. */
const completedPage1: Recorded = {
  JobStatus: 'COMPLETED',
  JobCreationDate: new Date('2025-05-31T19:47:31.466Z'),
  JobCompletionDate: new Date('2025-05-31T19:47:35.241Z'),
  IsTruncated: true,
  Marker: 'page-2',
  ServicesLastAccessed: [
    { ServiceName: 'AWS Identity and Access Management', ServiceNamespace: 'iam', LastAuthenticated: new Date('2025-05-30T19:11:00Z'), LastAuthenticatedEntity: `arn:aws:iam::${ACCOUNT}:user/alice`, TotalAuthenticatedEntities: 2 },
    { ServiceName: 'Amazon Simple Storage Service', ServiceNamespace: 's3', TotalAuthenticatedEntities: 0 },
  ],
};
const completedPage2: Recorded = {
  ...completedPage1,
  IsTruncated: false,
  Marker: undefined,
  ServicesLastAccessed: [
    { ServiceName: 'Amazon Elastic Compute Cloud', ServiceNamespace: 'ec2', LastAuthenticated: new Date('2025-05-29T08:00:00Z'), LastAuthenticatedRegion: 'eu-west-1', TotalAuthenticatedEntities: 1 },
  ],
};
const failed: Recorded = { JobStatus: 'FAILED', JobCreationDate: new Date('2025-05-31T19:47:31.466Z'), JobCompletionDate: new Date('2025-05-31T19:47:32Z'), ServicesLastAccessed: [], Error: { Code: 'InternalFailure', Message: 'the job could not be completed' } };

/** Answers the two access-advisor commands from `answers` (per user, in order; the last one repeats). */
function recordAccessAdvisor(aws: AwsContext, answers: Record<string, Recorded[] | Error>): void {
  const seen = new Map<string, number>();
  aws.client(IAMClient).middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GenerateServiceLastAccessedDetailsCommand') {
        const user = ((args.input as GenerateServiceLastAccessedDetailsCommandInput).Arn ?? '').split('/').pop()!;
        const answer = answers[user];
        if (answer instanceof Error) throw answer;
        return { output: { JobId: `job-${user}`, $metadata: {} }, response: {} };
      }
      if (context.commandName === 'GetServiceLastAccessedDetailsCommand') {
        const input = args.input as GetServiceLastAccessedDetailsCommandInput;
        const user = (input.JobId ?? '').replace(/^job-/, '');
        const list = answers[user] as Recorded[];
        if (input.Marker === 'page-2') return { output: { ...completedPage2, $metadata: {} }, response: {} };
        const n = seen.get(user) ?? 0;
        seen.set(user, n + 1);
        const answer = list[Math.min(n, list.length - 1)]!;
        return { output: { ...answer, $metadata: {} }, response: {} };
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordedAccessAdvisor' },
  );
}

async function scanWith(answers: Record<string, Recorded[] | Error>) {
  const host = new RecordingHost();
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: REGION }, moto.env);
  const sleeps: number[] = [];
  try {
    recordAccessAdvisor(aws, answers);
    const incomplete = new IncompleteParts(host);
    const scan = await scanIam({
      aws,
      host,
      incomplete,
      regions: [REGION],
      now: new Date(),
      sleep: async (ms) => void sleeps.push(ms),
      serviceLastAccessedWait: { maxWaitMs: 10_000, firstPollMs: 2_000, maxPollMs: 4_000 },
    });
    return { scan, incomplete: incomplete.parts, sleeps, calls: new Map(aws.calls) };
  } finally {
    aws.destroy();
  }
}

describe('service last accessed data (recorded responses)', () => {
  it('waits for each job, pages through a completed one, and records failures and timeouts as gaps', async () => {
    const { scan, incomplete, sleeps, calls } = await scanWith({
      alice: [inProgress, completedPage1, completedPage2],
      bob: [failed],
      carol: [inProgress],
    });
    expect(scan.iam.serviceLastAccessed).toEqual([
      {
        userName: 'alice',
        status: 'COMPLETED',
        // services never accessed (s3 here) carry no evidence and are left out
        services: [
          { serviceNamespace: 'ec2', lastAuthenticated: '2025-05-29T08:00:00.000Z', lastAuthenticatedRegion: 'eu-west-1' },
          { serviceNamespace: 'iam', lastAuthenticated: '2025-05-30T19:11:00.000Z', lastAuthenticatedRegion: null },
        ],
      },
      { userName: 'bob', status: 'FAILED', services: [] },
      { userName: 'carol', status: 'IN_PROGRESS', services: [] },
    ]);
    const gaps = incomplete.filter((p) => p.action.includes('ServiceLastAccessed'));
    expect(gaps).toEqual([
      {
        action: 'iam:GetServiceLastAccessedDetails',
        region: null,
        part: 'service last accessed data of user bob',
        reason: 'error',
        message: 'iam:GetServiceLastAccessedDetails failed (ServiceLastAccessedJobFailed): service last accessed data of user bob is not in the inventory',
      },
      {
        action: 'iam:GetServiceLastAccessedDetails',
        region: null,
        part: 'service last accessed data of user carol',
        reason: 'error',
        message: 'iam:GetServiceLastAccessedDetails failed (ServiceLastAccessedTimeout): service last accessed data of user carol is not in the inventory',
      },
    ]);
    // waits double up to the cap and stop within the bound (2 + 4 + 4 = 10 s); the other
    // 2 s wait is the credential report's (moto answers STARTED first)
    expect([...sleeps].sort((a, b) => a - b)).toEqual([2_000, 2_000, 4_000, 4_000]);
    expect(calls.get('IAMClient GenerateServiceLastAccessedDetailsCommand')).toBe(3);
    // alice 1 + 2 pages, bob 1, carol 3 polls
    expect(calls.get('IAMClient GetServiceLastAccessedDetailsCommand')).toBe(7);
  });

  it('asks for every other user when the API is refused for one (resource-level permissions)', async () => {
    const denied = new IAMServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform: iam:GenerateServiceLastAccessedDetails on resource: user bob' });
    const { scan, incomplete } = await scanWith({ alice: [completedPage2], bob: denied, carol: [completedPage2] });
    expect(scan.iam.serviceLastAccessed.map((s) => [s.userName, s.status])).toEqual([
      ['alice', 'COMPLETED'],
      ['bob', 'UNAVAILABLE'],
      ['carol', 'COMPLETED'],
    ]);
    expect(incomplete.filter((p) => p.action.includes('ServiceLastAccessed'))).toEqual([
      {
        action: 'iam:GenerateServiceLastAccessedDetails',
        region: null,
        part: 'service last accessed data of user bob',
        reason: 'access-denied',
        message: 'iam:GenerateServiceLastAccessedDetails was denied: service last accessed data of user bob is not in the inventory (grant iam:GenerateServiceLastAccessedDetails)',
      },
    ]);
  });
});
