// Reading the trails' event selectors from CloudTrail (DescribeTrails + GetEventSelectors)
// against the moto emulator: a multi-region trail with basic selectors, a single-region trail
// with advanced selectors, and a trail with none (CloudTrail's default). moto grants every
// call, so the refusal is injected with a middleware on the real client.
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import { readTrailSelectors, recordedBySelectors } from '../../src/usage/sources/trail-selectors.js';
import { useMoto, type Moto } from '../helpers/moto.js';

const ACCOUNT = '123456789012';

// AwsContext takes its region from `env`; the SDK's default chain reads credentials from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
beforeEach(() => {
  moto = motoServer();
});

const config = (region: string) => ({ region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const trailArn = (region: string, name: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;

async function seedTrails(): Promise<void> {
  const s3 = new S3Client(config('us-east-1'));
  await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
  s3.destroy();
  const east = new CloudTrailClient(config('us-east-1'));
  const west = new CloudTrailClient(config('eu-west-1'));
  await east.send(new CreateTrailCommand({ Name: 'org-writes', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
  await east.send(
    new PutEventSelectorsCommand({
      TrailName: 'org-writes',
      EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
    }),
  );
  await west.send(new CreateTrailCommand({ Name: 'eu-reads', S3BucketName: 'trail-logs' }));
  await west.send(
    new PutEventSelectorsCommand({
      TrailName: 'eu-reads',
      AdvancedEventSelectors: [
        { Name: 'reads', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] },
        { Name: 'functions', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }] },
      ],
    }),
  );
  await east.send(new CreateTrailCommand({ Name: 'east-default', S3BucketName: 'trail-logs' }));
  east.destroy();
  west.destroy();
}

describe('readTrailSelectors (moto)', () => {
  it('collects the trails of every region once and reads what each records, in its home region', async () => {
    await seedTrails();
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    const trails = await readTrailSelectors(aws, ['us-east-1', 'eu-west-1', 'ap-south-1']);
    const calls = Object.fromEntries(aws.calls);
    aws.destroy();

    expect(trails).toEqual([
      { trailArn: trailArn('eu-west-1', 'eu-reads'), multiRegion: false, homeRegion: 'eu-west-1', managementEvents: 'read-only', dataEventTypes: ['AWS::Lambda::Function'] },
      { trailArn: trailArn('us-east-1', 'east-default'), multiRegion: false, homeRegion: 'us-east-1', managementEvents: 'all', dataEventTypes: [] },
      { trailArn: trailArn('us-east-1', 'org-writes'), multiRegion: true, homeRegion: 'us-east-1', managementEvents: 'write-only', dataEventTypes: ['AWS::S3::Object'] },
    ]);
    // one listing per region; the multi-region trail, seen in all three, is read once
    expect(calls['CloudTrailClient DescribeTrailsCommand']).toBe(3);
    expect(calls['CloudTrailClient GetEventSelectorsCommand']).toBe(3);
  });

  it('a region sees its own trails and the multi-region ones', async () => {
    await seedTrails();
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    const trails = await readTrailSelectors(aws, ['ap-south-1']);
    aws.destroy();
    expect(trails.map((t) => t.trailArn)).toEqual([trailArn('us-east-1', 'org-writes')]);
  });

  it('a refused DescribeTrails names the permission', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    (aws.client(CloudTrailClient, 'us-east-1') as unknown as { middlewareStack: { add(mw: unknown, o: unknown): void } }).middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'initialize', name: 'refuse' },
    );
    const e = await readTrailSelectors(aws, ['us-east-1']).catch((err: unknown) => err);
    aws.destroy();
    expect(isKeyshiftError(e) && e.kind).toBe('aws-refused');
    expect((e as Error).message).toContain('cloudtrail:DescribeTrails');
  });
});

describe('recordedBySelectors', () => {
  it('adds up basic selectors', () => {
    expect(recordedBySelectors({ EventSelectors: [{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }] }).managementEvents).toBe('all');
    expect(recordedBySelectors({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }] }] })).toEqual({
      managementEvents: 'none',
      dataEventTypes: ['AWS::DynamoDB::Table'],
    });
  });

  it('reads readOnly conditions of advanced selectors, Equals and NotEquals', () => {
    const management = (readOnly?: { Equals?: string[]; NotEquals?: string[] }) =>
      recordedBySelectors({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...(readOnly ? [{ Field: 'readOnly', ...readOnly }] : [])] }] }).managementEvents;
    expect(management()).toBe('all');
    expect(management({ Equals: ['false'] })).toBe('write-only');
    expect(management({ NotEquals: ['false'] })).toBe('read-only');
    expect(recordedBySelectors({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] })).toEqual({
      managementEvents: 'none',
      dataEventTypes: ['AWS::S3::Object'],
    });
  });

  it('no selectors at all: CloudTrail\'s default, every management event', () => {
    expect(recordedBySelectors({ EventSelectors: [], AdvancedEventSelectors: [] })).toEqual({ managementEvents: 'all', dataEventTypes: [] });
  });
});
