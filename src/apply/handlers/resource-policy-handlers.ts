// Resource and trust policies that name a key's user get the new role next to the user, so the
// role keeps the access the user had through them. The change is the smallest there is: in each
// statement whose Principal lists the user's ARN, the role's ARN is added after it; every other
// statement, and every other part of the document, stays as it was. The journal keeps the
// previous document, which rollback puts back.
import { GetRepositoryPolicyCommand, ECRClient, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetResourcePolicyCommand, PutResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { AwsContext } from '../../aws/aws-context.js';
import { throwIfAborted } from '../../errors.js';
import { errorName } from '../../scan/aws/iam/expected-errors.js';
import type { PolicyDocument, PolicyStatement } from '../../scan/aws/iam/policy-document.js';
import { awsPrincipals } from '../../scan/aws/iam/principal-match.js';
import type { CheckResult, Json, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';
import { iam, nameInArn, policyDocument, settledOutcome, stepParams, unlessMissing } from './iam-role-handlers.js';

export const POLICY_RESOURCE_TYPES = ['s3-bucket', 'kms-key', 'sqs-queue', 'sns-topic', 'secretsmanager-secret', 'ecr-repository', 'role-trust'] as const;
export type PolicyResourceType = (typeof POLICY_RESOURCE_TYPES)[number];

/** Where a policy lives: the resource, and the region its API is called in (null for IAM). */
export interface PolicyPlace {
  resourceType: PolicyResourceType;
  arn: string;
  region: string | null;
}

/** The live policy: the resource is gone, or it is there with its policy text (null: it has none) and what the write needs (a queue URL). */
export type LivePolicy = { state: 'gone' } | { state: 'present'; text: string | null; handle: string };

export interface PolicyAccess {
  /** the `service:Operation` of the write, as journaled */
  api: string;
  noun: string;
  read(aws: AwsContext, place: PolicyPlace, signal: AbortSignal): Promise<LivePolicy>;
  write(aws: AwsContext, place: PolicyPlace, handle: string, text: string): Promise<unknown>;
}

const regionOf = (place: PolicyPlace): string | undefined => place.region ?? undefined;
const readOptions = (signal: AbortSignal) => ({ abortSignal: signal });

/** Runs a read; an error with one of `names` means nothing is there and gives `fallback`. */
async function unless<T>(names: readonly string[], fallback: T, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (names.includes(errorName(e))) return fallback;
    throw e;
  }
}

const gone: LivePolicy = { state: 'gone' };

/** ARN fields: arn:partition:service:region:account:resource */
const arnPart = (arn: string, index: number): string => arn.split(':')[index] ?? '';
const arnResource = (arn: string): string => arn.split(':').slice(5).join(':');

export const POLICY_ACCESS: Record<PolicyResourceType, PolicyAccess> = {
  's3-bucket': {
    api: 's3:PutBucketPolicy',
    noun: 'bucket',
    async read(aws, place, signal) {
      const bucket = arnResource(place.arn);
      try {
        const out = await aws.client(S3Client, regionOf(place)).send(new GetBucketPolicyCommand({ Bucket: bucket }), readOptions(signal));
        return { state: 'present', text: out.Policy ?? null, handle: bucket };
      } catch (e) {
        if (errorName(e) === 'NoSuchBucketPolicy') return { state: 'present', text: null, handle: bucket };
        if (errorName(e) === 'NoSuchBucket') return gone;
        throw e;
      }
    },
    write: (aws, place, bucket, text) => aws.client(S3Client, regionOf(place)).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text })),
  },
  'sqs-queue': {
    api: 'sqs:SetQueueAttributes',
    noun: 'queue',
    async read(aws, place, signal) {
      const client = aws.client(SQSClient, regionOf(place));
      const missing = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'];
      const url = await unless(missing, null, async () => (await client.send(new GetQueueUrlCommand({ QueueName: arnResource(place.arn), QueueOwnerAWSAccountId: arnPart(place.arn, 4) }), readOptions(signal))).QueueUrl ?? null);
      if (!url) return gone;
      return unless<LivePolicy>(missing, gone, async () => {
        const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }), readOptions(signal));
        return { state: 'present', text: out.Attributes?.Policy ?? null, handle: url };
      });
    },
    write: (aws, place, url, text) => aws.client(SQSClient, regionOf(place)).send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: text } })),
  },
  'sns-topic': {
    api: 'sns:SetTopicAttributes',
    noun: 'topic',
    read: (aws, place, signal) =>
      unless<LivePolicy>(['NotFoundException', 'NotFound'], gone, async () => {
        const out = await aws.client(SNSClient, regionOf(place)).send(new GetTopicAttributesCommand({ TopicArn: place.arn }), readOptions(signal));
        return { state: 'present', text: out.Attributes?.Policy ?? null, handle: place.arn };
      }),
    write: (aws, place, topicArn, text) => aws.client(SNSClient, regionOf(place)).send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: text })),
  },
  'kms-key': {
    api: 'kms:PutKeyPolicy',
    noun: 'KMS key',
    read: (aws, place, signal) =>
      unless<LivePolicy>(['NotFoundException'], gone, async () => {
        const out = await aws.client(KMSClient, regionOf(place)).send(new GetKeyPolicyCommand({ KeyId: place.arn, PolicyName: 'default' }), readOptions(signal));
        return { state: 'present', text: out.Policy ?? null, handle: place.arn };
      }),
    // the rest of the key policy is unchanged, so KMS's lockout check still holds: no bypass
    write: (aws, place, keyArn, text) => aws.client(KMSClient, regionOf(place)).send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: text })),
  },
  'secretsmanager-secret': {
    api: 'secretsmanager:PutResourcePolicy',
    noun: 'secret',
    read: (aws, place, signal) =>
      unless<LivePolicy>(['ResourceNotFoundException'], gone, async () => {
        const out = await aws.client(SecretsManagerClient, regionOf(place)).send(new GetResourcePolicyCommand({ SecretId: place.arn }), readOptions(signal));
        return { state: 'present', text: out.ResourcePolicy ?? null, handle: place.arn };
      }),
    write: (aws, place, secretArn, text) => aws.client(SecretsManagerClient, regionOf(place)).send(new PutResourcePolicyCommand({ SecretId: secretArn, ResourcePolicy: text })),
  },
  'ecr-repository': {
    api: 'ecr:SetRepositoryPolicy',
    noun: 'repository',
    async read(aws, place, signal) {
      const repositoryName = arnResource(place.arn).replace(/^repository\//, '');
      try {
        const out = await aws.client(ECRClient, regionOf(place)).send(new GetRepositoryPolicyCommand({ repositoryName, registryId: arnPart(place.arn, 4) }), readOptions(signal));
        return { state: 'present', text: out.policyText ?? null, handle: repositoryName };
      } catch (e) {
        if (errorName(e) === 'RepositoryPolicyNotFoundException') return { state: 'present', text: null, handle: repositoryName };
        if (errorName(e) === 'RepositoryNotFoundException') return gone;
        throw e;
      }
    },
    write: (aws, place, repositoryName, text) =>
      aws.client(ECRClient, regionOf(place)).send(new SetRepositoryPolicyCommand({ repositoryName, registryId: arnPart(place.arn, 4), policyText: text })),
  },
  'role-trust': {
    api: 'iam:UpdateAssumeRolePolicy',
    noun: 'role',
    async read(aws, place, signal) {
      const roleName = nameInArn(place.arn);
      const role = await unlessMissing(async () => (await iam(aws).send(new GetRoleCommand({ RoleName: roleName }), readOptions(signal))).Role);
      if (!role) return gone;
      // IAM returns it URL-encoded; the journal keeps, and rollback writes, plain JSON
      const raw = role.AssumeRolePolicyDocument;
      return { state: 'present', text: raw === undefined ? null : JSON.stringify(policyDocument(raw)), handle: roleName };
    },
    write: (aws, _place, roleName, text) => iam(aws).send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: text })),
  },
};

/** The region a resource's policy API is called in: the ARN's, or the plan's (S3 ARNs have none), or the connection's. */
export function placeOf(resourceType: PolicyResourceType, arn: string, planRegion: string | null, aws: AwsContext): PolicyPlace {
  if (resourceType === 'role-trust') return { resourceType, arn, region: null };
  return { resourceType, arn, region: arnPart(arn, 3) || planRegion || aws.region };
}

// ---- the change itself ----

function names(statement: PolicyStatement, principal: string): boolean {
  return awsPrincipals(statement.Principal).includes(principal);
}

/** Applies `change` to each statement, keeping the document's shape (one statement or a list). */
function mapStatements(doc: PolicyDocument, change: (s: PolicyStatement) => PolicyStatement): PolicyDocument {
  const s = doc.Statement;
  const isStatement = (x: unknown): x is PolicyStatement => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (Array.isArray(s)) return { ...doc, Statement: s.map((x: unknown) => (isStatement(x) ? change(x) : x)) };
  if (isStatement(s)) return { ...doc, Statement: change(s) };
  return doc;
}

/** The document with `add` after `nextTo` in every statement whose Principal names `nextTo` and not yet `add`. */
export function withPrincipalAdded(doc: PolicyDocument, add: string, nextTo: string): PolicyDocument {
  return mapStatements(doc, (s) => {
    if (!names(s, nextTo) || names(s, add)) return s;
    const principal = s.Principal as Record<string, unknown>;
    const list = typeof principal.AWS === 'string' ? [principal.AWS] : (principal.AWS as unknown[]);
    const at = list.indexOf(nextTo);
    return { ...s, Principal: { ...principal, AWS: [...list.slice(0, at + 1), add, ...list.slice(at + 1)] } };
  });
}

/** The reverse, for rollback: `add` taken out of the statements that name `nextTo`; a list of one becomes the string it was. */
export function withPrincipalRemoved(doc: PolicyDocument, add: string, nextTo: string): PolicyDocument {
  return mapStatements(doc, (s) => {
    if (!names(s, nextTo) || !names(s, add)) return s;
    const principal = s.Principal as Record<string, unknown>;
    const rest = (principal.AWS as unknown[]).filter((p) => p !== add);
    return { ...s, Principal: { ...principal, AWS: rest.length === 1 ? rest[0] : rest } };
  });
}

/** How many statements name `nextTo`, and how many of those already name `add` too. */
export function extensionState(doc: PolicyDocument, add: string, nextTo: string): { naming: number; extended: number } {
  const statements = Array.isArray(doc.Statement) ? (doc.Statement as unknown[]) : [doc.Statement];
  const naming = statements.filter((s): s is PolicyStatement => s !== null && typeof s === 'object' && names(s as PolicyStatement, nextTo));
  return { naming: naming.length, extended: naming.filter((s) => names(s, add)).length };
}

// ---- waiting for a new role to be known ----

const PROPAGATION_BUDGET_MS = 120_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;

/**
 * A role created seconds ago may not be known yet to the service that checks the policy's
 * principals ("Invalid principal"): the only new thing in the document is that principal, so a
 * policy-validation error is retried with backoff for about two minutes. A size limit is not.
 */
export function isPrincipalNotYetKnown(e: unknown): boolean {
  const name = errorName(e);
  const message = (e as Error | null)?.message ?? '';
  return /Malformed|InvalidAttributeValue|InvalidParameter/i.test(name) && !/size|length|exceed|too large|limit/i.test(message);
}

export async function whilePrincipalPropagates<T>(send: () => Promise<T>, sleep: (ms: number) => Promise<void>, signal: AbortSignal): Promise<T> {
  let waited = 0;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await send();
    } catch (e) {
      if (!isPrincipalNotYetKnown(e) || waited >= PROPAGATION_BUDGET_MS) throw e;
      await sleep(delay);
      throwIfAborted(signal);
      waited += delay;
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

// ---- the steps ----

const ExtendParams = z.object({
  resourceType: z.enum(POLICY_RESOURCE_TYPES),
  region: z.string().nullable(),
  addPrincipal: z.string(),
  nextToPrincipal: z.string(),
  statements: z.array(z.unknown()),
});

type Found = { result: CheckResult } | { result: CheckResult & { state: 'ready' }; doc: PolicyDocument; text: string; handle: string };

async function readExtension(ctx: StepContext): Promise<{ place: PolicyPlace; access: PolicyAccess; found: Found; add: string; nextTo: string }> {
  const p = stepParams(ExtendParams, ctx.step);
  const place = placeOf(p.resourceType, ctx.step.target, p.region, ctx.aws);
  const access = POLICY_ACCESS[p.resourceType];
  const what = `${access.noun} ${ctx.step.target}`;
  const base = { place, access, add: p.addPrincipal, nextTo: p.nextToPrincipal };
  const live = await access.read(ctx.aws, place, ctx.signal);
  if (live.state === 'gone') return { ...base, found: { result: { state: 'drift', message: `${what} no longer exists` } } };
  if (live.text === null) return { ...base, found: { result: { state: 'drift', message: `${what} has no policy any more; the plan saw one naming ${p.nextToPrincipal}` } } };
  const doc = policyDocument(live.text);
  const { naming, extended } = extensionState(doc, p.addPrincipal, p.nextToPrincipal);
  if (naming === 0) return { ...base, found: { result: { state: 'drift', message: `no statement of the policy of ${what} names ${p.nextToPrincipal} any more` } } };
  const output: Json = { resourceArn: ctx.step.target, addedPrincipal: p.addPrincipal };
  if (extended === naming) return { ...base, found: { result: { state: 'done', output, message: `${nameInArn(p.addPrincipal)} already sits next to ${p.nextToPrincipal} in the policy of ${what}` } } };
  return { ...base, found: { result: { state: 'ready' }, doc, text: live.text, handle: live.handle } };
}

const extendPolicy: StepHandler = {
  async check(ctx) {
    return (await readExtension(ctx)).found.result;
  },

  async run(ctx): Promise<StepOutcome> {
    const { place, access, found, add, nextTo } = await readExtension(ctx);
    if (!('doc' in found)) return settledOutcome(found.result) ?? { status: 'failed', message: 'the policy cannot be read' };
    const text = JSON.stringify(withPrincipalAdded(found.doc, add, nextTo));
    await whilePrincipalPropagates(
      async () => {
        if (place.resourceType === 'role-trust') await ctx.iamWrites.take();
        return ctx.mutate(
          { api: access.api, region: place.region, target: place.arn, args: { resourceType: place.resourceType, addPrincipal: add, nextToPrincipal: nextTo, policy: text, previous: found.text } },
          () => access.write(ctx.aws, place, found.handle, text),
        );
      },
      (ms) => ctx.sleep(ms),
      ctx.signal,
    );
    return { status: 'done', message: `added ${nameInArn(add)} next to ${nameInArn(nextTo)} in the policy of ${access.noun} ${place.arn}`, output: { resourceArn: place.arn, addedPrincipal: add } };
  },
};

export const resourcePolicyHandlers: StepHandlers = {
  'extend-resource-policy': extendPolicy,
  'extend-trust-policy': extendPolicy,
};
