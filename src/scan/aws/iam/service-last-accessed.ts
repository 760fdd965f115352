// Per-service last-accessed data for each key holder (IAM access advisor): a service the user
// touched that CloudTrail never shows becomes a visible evidence gap for the planner. One
// report job per user (GenerateServiceLastAccessedDetails), then GetServiceLastAccessedDetails
// until it completes, within a bounded wait. Where the API is refused, missing or too slow,
// the user's status says so (UNAVAILABLE, FAILED, IN_PROGRESS) and the part is incomplete.
import { GenerateServiceLastAccessedDetailsCommand, GetServiceLastAccessedDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { isAccessDenied } from '../../../aws/aws-error.js';
import type { IamUser, ServiceLastAccessed } from '../../../model/inventory.js';
import { mapBounded } from './bounded-map.js';
import { errorName, namedError } from './expected-errors.js';
import { sendOptions, type IamScanContext } from './iam-context.js';
import { ProgressCounter } from './iam-progress.js';
import { compareStrings, sortBy } from './order.js';

export interface ServiceLastAccessedWait {
  /** the longest the scan waits, in total, for report jobs to complete */
  maxWaitMs: number;
  /** the first wait after the jobs are started; later waits double up to maxPollMs */
  firstPollMs: number;
  maxPollMs: number;
}

export const DEFAULT_SERVICE_LAST_ACCESSED_WAIT: ServiceLastAccessedWait = { maxWaitMs: 120_000, firstPollMs: 2_000, maxPollMs: 10_000 };

const GENERATE = 'iam:GenerateServiceLastAccessedDetails';
const GET = 'iam:GetServiceLastAccessedDetails';
const JOB_FAILED = 'ServiceLastAccessedJobFailed';
const JOB_TIMEOUT = 'ServiceLastAccessedTimeout';
/** the largest page IAM allows: one call returns every service of a completed job */
const MAX_ITEMS = 1000;

type Services = ServiceLastAccessed['services'];
type JobOutcome = { status: 'IN_PROGRESS' } | { status: 'COMPLETED'; services: Services };

/** incomplete.attempt, keeping the error it recorded so the caller can tell why */
async function attemptKeepingError<T>(ctx: IamScanContext, what: { action: string; part: string }, fn: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  let error: unknown;
  const value = await ctx.incomplete.attempt({ ...what, region: null }, async () => {
    try {
      return await fn();
    } catch (e) {
      error = e;
      throw e;
    }
  });
  return value === undefined ? { error } : { value };
}

async function readJob(ctx: IamScanContext, jobId: string): Promise<JobOutcome> {
  const iam = ctx.aws.client(IAMClient);
  const services: Services = [];
  let marker: string | undefined;
  do {
    const out = await iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId, MaxItems: MAX_ITEMS, ...(marker ? { Marker: marker } : {}) }), sendOptions(ctx));
    if (out.JobStatus === 'IN_PROGRESS') return { status: 'IN_PROGRESS' };
    if (out.JobStatus === 'FAILED') throw namedError(JOB_FAILED, out.Error?.Message ?? 'the report job failed');
    // services never accessed carry no evidence; keeping only the accessed ones keeps the
    // document small (an administrator's report lists hundreds of services)
    for (const s of out.ServicesLastAccessed ?? []) {
      if (!s.LastAuthenticated || !s.ServiceNamespace) continue;
      services.push({ serviceNamespace: s.ServiceNamespace, lastAuthenticated: s.LastAuthenticated.toISOString(), lastAuthenticatedRegion: s.LastAuthenticatedRegion ?? null });
    }
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker);
  return { status: 'COMPLETED', services: sortBy(services, (s) => s.serviceNamespace) };
}

export async function readServiceLastAccessed(ctx: IamScanContext, users: readonly IamUser[], wait: ServiceLastAccessedWait): Promise<ServiceLastAccessed[]> {
  const results = new Map<string, ServiceLastAccessed>();
  const counter = new ProgressCounter(ctx.progress, 'users (service last accessed)', users.length);
  const settle = (userName: string, status: ServiceLastAccessed['status'], services: Services = []) => {
    results.set(userName, { userName, status, services });
    counter.tick();
  };
  const jobs = new Map<string, string>();
  // when the API itself is missing or failing (not refused for one user), asking again for
  // every other user only repeats the failure, slowly: the rest are left out at once
  let apiUnusable: { error: unknown } | undefined;

  const generate = async (user: IamUser) => {
    if (apiUnusable) return;
    const r = await attemptKeepingError(ctx, { action: GENERATE, part: `service last accessed data of user ${user.userName}` }, async () => {
      const out = await ctx.aws.client(IAMClient).send(new GenerateServiceLastAccessedDetailsCommand({ Arn: user.arn, Granularity: 'SERVICE_LEVEL' }), sendOptions(ctx));
      if (!out.JobId) throw namedError('MissingJobId', 'GenerateServiceLastAccessedDetails returned no job ID');
      return out.JobId;
    });
    if ('value' in r) jobs.set(user.userName, r.value);
    else {
      settle(user.userName, 'UNAVAILABLE');
      if (!isAccessDenied(r.error)) apiUnusable ??= r;
    }
  };
  // the first user alone: if the API is missing, one request finds out
  if (users[0]) await generate(users[0]);
  await mapBounded(users.slice(1), ctx.concurrency, generate, ctx.signal);

  const skipped = users.filter((u) => !jobs.has(u.userName) && !results.has(u.userName));
  if (apiUnusable && skipped.length > 0) {
    const cause = apiUnusable.error;
    const names = skipped.map((u) => u.userName);
    const listed = names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
    await ctx.incomplete.attempt(
      { action: GENERATE, region: null, part: `service last accessed data of ${names.length} more user(s) (${listed}), not requested after the first failure` },
      () => Promise.reject(cause),
    );
    for (const u of skipped) settle(u.userName, 'UNAVAILABLE');
  }

  let pending = [...jobs.entries()];
  let waited = 0;
  let interval = wait.firstPollMs;
  while (pending.length > 0) {
    // waits are counted, not timed, so an injected sleep makes the bound exact in tests
    if (waited + interval > wait.maxWaitMs) {
      for (const [userName] of pending) {
        await ctx.incomplete.attempt({ action: GET, region: null, part: `service last accessed data of user ${userName}` }, () =>
          Promise.reject(namedError(JOB_TIMEOUT, `the report job did not complete within ${Math.round(wait.maxWaitMs / 1000)} s`)),
        );
        settle(userName, 'IN_PROGRESS');
      }
      break;
    }
    await ctx.sleep(interval, ctx.signal);
    waited += interval;
    interval = Math.min(interval * 2, wait.maxPollMs);
    const stillRunning: [string, string][] = [];
    await mapBounded(
      pending,
      ctx.concurrency,
      async ([userName, jobId]) => {
        const r = await attemptKeepingError(ctx, { action: GET, part: `service last accessed data of user ${userName}` }, () => readJob(ctx, jobId));
        if (!('value' in r)) settle(userName, errorName(r.error) === JOB_FAILED ? 'FAILED' : 'UNAVAILABLE');
        else if (r.value.status === 'IN_PROGRESS') stillRunning.push([userName, jobId]);
        else settle(userName, 'COMPLETED', r.value.services);
      },
      ctx.signal,
    );
    pending = stillRunning;
  }
  return [...results.values()].sort((a, b) => compareStrings(a.userName, b.userName));
}
