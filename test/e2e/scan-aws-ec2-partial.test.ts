// Partial access and region selection against the moto AWS emulator. moto grants every
// call, so a refusal is injected with an SDK middleware on the real client the scan uses
// (AwsContext hands out one client per service and region): the named command in that
// region fails before it is sent, exactly as an AWS refusal surfaces from the SDK.
//
// moto's DescribeRegions ignores AllRegions and always lists every region with its opt-in
// status, and it never says `opted-in`; that status is tested with a recorded response.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AllocateAddressCommand, CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import { RecordingHost } from '../../src/io/host.js';
import { resolveRegions } from '../../src/scan/aws/ec2/regions.js';
import { scanEc2 } from '../../src/scan/aws/ec2/scan-ec2.js';
import { IncompleteParts } from '../../src/scan/aws/partial-access.js';
import { fakeKeyId, fakeSecret } from '../helpers/fake-keys.js';
import { useMoto, type Moto } from '../helpers/moto.js';

const LINUX_AMI = 'ami-760aaa0f';

// AwsContext takes its region from `env`; the SDK's default chain reads credentials from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
beforeEach(() => {
  moto = motoServer();
});

const clientConfig = (region: string) => ({ region, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const b64 = (data: string) => Buffer.from(data).toString('base64');

interface Middlewared {
  middlewareStack: { add(mw: unknown, options: { step: 'initialize'; name: string }): void };
}

/** Makes `command` fail on this client with an SDK-shaped error, before it is sent. */
function refuse(client: unknown, command: string, errorName: string, counter?: { calls: number }): void {
  (client as Middlewared).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (context.commandName !== command) return next(args);
      if (counter) counter.calls++;
      throw Object.assign(new Error(`You are not authorized to perform this operation. (${command})`), { name: errorName, $fault: 'client', $metadata: { httpStatusCode: 403 } });
    },
    { step: 'initialize', name: `refuse${command}` },
  );
}

/** Answers `command` on this client with a recorded response instead of sending it. */
function answer(client: unknown, command: string, output: Record<string, unknown>): void {
  (client as Middlewared).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) =>
      context.commandName === command ? { output: { ...output, $metadata: {} }, response: {} } : next(args),
    { step: 'initialize', name: `answer${command}` },
  );
}

function newScan(concurrency?: number) {
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
  const host = new RecordingHost();
  const incomplete = new IncompleteParts(host);
  return { aws, host, incomplete, scan: (regions: string[]) => scanEc2({ aws, host, incomplete, regions, now: new Date(), concurrency }) };
}

async function seedTwoRegions() {
  const keyId = fakeKeyId();
  const ids: Record<string, string[]> = {};
  for (const region of ['us-east-1', 'eu-west-1']) {
    const ec2 = new EC2Client(clientConfig(region));
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.1.0/24' }))).Subnet!.SubnetId!;
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId! }));
    const out = await ec2.send(
      new RunInstancesCommand({ ImageId: LINUX_AMI, MinCount: 3, MaxCount: 3, SubnetId: subnetId, UserData: b64(`#!/bin/sh\nexport AWS_ACCESS_KEY_ID=${keyId}\nexport AWS_SECRET_ACCESS_KEY=${fakeSecret()}\n`) }),
    );
    ids[region] = out.Instances!.map((i) => i.InstanceId!);
  }
  return { keyId, ids };
}

describe('scanEc2 with partial access (moto)', () => {
  it('an AccessDenied on one call in one region marks that part incomplete; the rest is read', async () => {
    const { ids } = await seedTwoRegions();
    const { aws, host, incomplete, scan } = newScan();
    refuse(aws.client(EC2Client, 'eu-west-1'), 'DescribeNatGatewaysCommand', 'UnauthorizedOperation');
    const result = await scan(['us-east-1', 'eu-west-1']);
    aws.destroy();

    expect(incomplete.parts).toEqual([
      {
        action: 'ec2:DescribeNatGateways',
        region: 'eu-west-1',
        part: 'NAT gateways in eu-west-1',
        reason: 'access-denied',
        message: 'ec2:DescribeNatGateways was denied: NAT gateways in eu-west-1 is not in the inventory (grant ec2:DescribeNatGateways)',
      },
    ]);
    expect(host.events).toContainEqual({ type: 'warning', code: 'incomplete:access-denied', message: expect.stringContaining('eu-west-1: ec2:DescribeNatGateways was denied') });
    expect(result.ec2.natGateways.map((g) => g.region)).toEqual(['us-east-1']);
    expect(result.ec2.instances.map((i) => i.instanceId).toSorted()).toEqual([...ids['eu-west-1']!, ...ids['us-east-1']!].toSorted());
    expect(result.credentials).toHaveLength(6);
  });

  it('a refused user data read is recorded once for the region, and the other calls there are not sent', async () => {
    const { keyId, ids } = await seedTwoRegions();
    const { aws, incomplete, scan } = newScan(1);
    const refused = { calls: 0 };
    refuse(aws.client(EC2Client, 'us-east-1'), 'DescribeInstanceAttributeCommand', 'UnauthorizedOperation', refused);
    const result = await scan(['us-east-1', 'eu-west-1']);
    aws.destroy();

    expect(refused.calls).toBe(1);
    expect(incomplete.parts).toEqual([
      expect.objectContaining({ action: 'ec2:DescribeInstanceAttribute', region: 'us-east-1', part: 'user data of every instance in us-east-1', reason: 'access-denied' }),
    ]);
    for (const id of ids['us-east-1']!) {
      expect(result.ec2.instances.find((i) => i.instanceId === id)?.userData).toEqual({ present: false, parts: 0, problem: 'not read: ec2:DescribeInstanceAttribute was denied' });
    }
    // eu-west-1 was read in full
    expect(result.credentials.map((f) => [f.keyId, f.location.type === 'user-data' && f.location.region])).toEqual(ids['eu-west-1']!.map(() => [keyId, 'eu-west-1']));
  });

  it('a refusal of the whole job (credentials rejected) stops the scan with aws-refused', async () => {
    await seedTwoRegions();
    const { aws, scan } = newScan();
    refuse(aws.client(AutoScalingClient, 'eu-west-1'), 'DescribeAutoScalingGroupsCommand', 'InvalidClientTokenId');
    const error = await scan(['us-east-1', 'eu-west-1']).catch((e: unknown) => e);
    aws.destroy();
    expect(isKeyshiftError(error) && error.kind).toBe('aws-refused');
  });

  it('credentials expiring during the user data reads stop them: the queued calls are not sent', async () => {
    await seedTwoRegions();
    const { aws, scan } = newScan(1);
    const refused = { calls: 0 };
    refuse(aws.client(EC2Client, 'us-east-1'), 'DescribeInstanceAttributeCommand', 'ExpiredToken', refused);
    const error = await scan(['us-east-1', 'eu-west-1']).catch((e: unknown) => e);
    aws.destroy();
    expect(isKeyshiftError(error) && error.kind).toBe('aws-refused');
    expect(refused.calls).toBe(1);
  });

  it('Ctrl-C during the scan ends it as interrupted, without sending the rest', async () => {
    await seedTwoRegions();
    const controller = new AbortController();
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env, controller.signal);
    const host = new RecordingHost();
    for (const region of ['us-east-1', 'eu-west-1']) {
      (aws.client(EC2Client, region) as unknown as Middlewared).middlewareStack.add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          if (context.commandName === 'DescribeInstanceAttributeCommand') controller.abort();
          return next(args);
        },
        { step: 'initialize', name: 'abortOnUserData' },
      );
    }
    const error = await scanEc2({ aws, host, incomplete: new IncompleteParts(host, controller.signal), regions: ['us-east-1', 'eu-west-1'], now: new Date(), signal: controller.signal, concurrency: 2 }).catch(
      (e: unknown) => e,
    );
    const sent = [...aws.calls].find(([name]) => name.endsWith('DescribeInstanceAttributeCommand'))?.[1] ?? 0;
    aws.destroy();
    expect(isKeyshiftError(error) && error.kind).toBe('interrupted');
    expect(sent).toBeLessThanOrEqual(2);
  });
});

describe('resolveRegions (moto)', () => {
  it('defaults to every region whose opt-in status allows use', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    const regions = await resolveRegions(aws, undefined);
    aws.destroy();
    expect(regions).toEqual(regions.toSorted());
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-northeast-1']));
    // moto lists ap-east-1 and me-south-1 as not-opted-in
    expect(regions).not.toContain('ap-east-1');
    expect(regions).not.toContain('me-south-1');
  });

  it('checks requested regions: unknown or not enabled is a usage error', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    expect(await resolveRegions(aws, ['eu-west-1', 'us-east-1', 'eu-west-1'])).toEqual(['eu-west-1', 'us-east-1']);
    const unknown = await resolveRegions(aws, ['mars-north-1']).catch((e: unknown) => e);
    expect(isKeyshiftError(unknown) && [unknown.kind, unknown.message]).toEqual(['usage', 'unknown region "mars-north-1"']);
    const disabled = await resolveRegions(aws, ['ap-east-1']).catch((e: unknown) => e);
    expect(isKeyshiftError(disabled) && [disabled.kind, disabled.message]).toEqual(['usage', 'region ap-east-1 is not enabled in this account (opt-in status: not-opted-in)']);
    aws.destroy();
  });

  it('keeps opted-in regions and drops not-opted-in ones (recorded response: moto never says opted-in)', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    answer(aws.client(EC2Client), 'DescribeRegionsCommand', {
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required', Endpoint: 'ec2.us-east-1.amazonaws.com' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in', Endpoint: 'ec2.af-south-1.amazonaws.com' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in', Endpoint: 'ec2.me-south-1.amazonaws.com' },
      ],
    });
    expect(await resolveRegions(aws, undefined)).toEqual(['af-south-1', 'us-east-1']);
    expect(await resolveRegions(aws, ['af-south-1'])).toEqual(['af-south-1']);
    aws.destroy();
  });

  it('with --region, goes on unchecked when DescribeRegions is denied; without, says what to grant', async () => {
    const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
    refuse(aws.client(EC2Client), 'DescribeRegionsCommand', 'UnauthorizedOperation');
    expect(await resolveRegions(aws, ['eu-west-1'])).toEqual(['eu-west-1']);
    const error = await resolveRegions(aws, undefined).catch((e: unknown) => e);
    expect(isKeyshiftError(error) && [error.kind, error.message]).toEqual(['aws-refused', 'AWS denied ec2:DescribeRegions']);
    aws.destroy();
  });
});

describe('throttling', () => {
  it('retries throttled calls with the SDK strategy and the scan completes', async () => {
    const { ids } = await seedTwoRegions();
    const { aws, incomplete, scan } = newScan();
    // moto never throttles: the first two attempts of DescribeInstances in us-east-1 fail
    // with AWS's throttling error below the SDK's retry middleware (deserialize step), so
    // the real adaptive retry strategy sees them and tries again
    const attempts = { n: 0 };
    (aws.client(EC2Client, 'us-east-1') as unknown as { middlewareStack: { add(mw: unknown, o: { step: 'deserialize'; name: string }): void } }).middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        if (context.commandName === 'DescribeInstancesCommand' && ++attempts.n <= 2) {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'throttleDescribeInstances' },
    );
    const result = await scan(['us-east-1', 'eu-west-1']);
    expect(attempts.n).toBeGreaterThanOrEqual(3);
    expect(incomplete.parts).toEqual([]);
    expect(result.ec2.instances.map((i) => i.instanceId).sort()).toEqual([...ids['us-east-1']!, ...ids['eu-west-1']!].sort());
    // one logical call, however many attempts
    expect(aws.calls.get('EC2Client DescribeInstancesCommand')).toBe(2);
  });
});
