// scanEc2 against the moto AWS emulator: an account seeded through the SDK in two regions,
// and the inventory must hold exactly what was planted, with one AWS call per instance
// (its user data) and everything else paged per region.
//
// Where moto differs from AWS (each checked against moto 5.2.5's behaviour):
// - it accepts `aws:` tags from RunInstances, which AWS refuses; the test plants
//   aws:cloudformation:stack-name that way, as CloudFormation itself would set it;
// - instances an Auto Scaling group launches from a template get the template's user data
//   and launch template tags, but not its instance profile; AWS would attach the profile;
// - DescribeInstances reports the association ID as IamInstanceProfile.Id, where AWS gives
//   the profile's ID; the scanner takes both from DescribeIamInstanceProfileAssociations;
// - DescribeLaunchTemplates and DescribeLaunchTemplateVersions cut a listing at MaxResults
//   without a NextToken (AWS pages): fine here, with one template and two versions.
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsContext } from '../../src/aws/aws-context.js';
import { RecordingHost } from '../../src/io/host.js';
import { Finding } from '../../src/model/finding.js';
import { InventoryDocument, InventoryFinding } from '../../src/model/inventory.js';
import { EC2_CALLS } from '../../src/scan/aws/ec2/ec2-calls.js';
import { scanEc2 } from '../../src/scan/aws/ec2/scan-ec2.js';
import { IncompleteParts } from '../../src/scan/aws/partial-access.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { useMoto, type Moto } from '../helpers/moto.js';

const LINUX_AMI = 'ami-760aaa0f'; // moto's Amazon Linux image
const WINDOWS_AMI = 'ami-12c6146b'; // moto's Windows Server image
const NOW = new Date('2026-01-15T12:00:00Z');

// AwsContext takes its region from `env`; the SDK's default chain reads credentials from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
beforeEach(() => {
  moto = motoServer();
});

const clientConfig = (region: string) => ({ region, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const tags = (t: Record<string, string>) => [{ ResourceType: 'instance' as const, Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value })) }];

interface Key {
  id: string;
  secret: string;
}
const newKey = (): Key => ({ id: fakeKeyId(), secret: fakeSecret() });
/** The key ID is on line 2 of the script. */
const script = (k: Key) => `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${k.id}\nexport AWS_SECRET_ACCESS_KEY=${k.secret}\naws s3 ls\n`;

async function run(ec2: EC2Client, input: Partial<RunInstancesCommandInput>): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, MinCount: 1, MaxCount: 1, ...input }));
  return out.Instances![0]!.InstanceId!;
}

function newScan(options: { concurrency?: number } = {}) {
  const aws = new AwsContext({ endpointUrl: moto.endpoint, region: 'us-east-1' }, moto.env);
  const host = new RecordingHost();
  const incomplete = new IncompleteParts(host);
  return { aws, host, incomplete, scan: (regions: string[]) => scanEc2({ aws, host, incomplete, regions, now: NOW, ...options }) };
}

/** Plants the account; returns what a scan must find. */
async function seedAccount() {
  const iam = new IAMClient(clientConfig('us-east-1'));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }))).InstanceProfile!;
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app' }));
  const keys = { web: newKey(), worker: newKey(), template: newKey(), eu: newKey(), lcKeyId: fakeKeyId() };

  // us-east-1: a VPC with three instances, an EIP, a NAT gateway, an endpoint, a template and its group
  const use1 = new EC2Client(clientConfig('us-east-1'));
  const vpcId = (await use1.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await use1.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const web = await run(use1, {
    SubnetId: subnetId,
    IamInstanceProfile: { Name: 'app-profile' },
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
    UserData: b64(script(keys.web)),
    TagSpecifications: tags({ Name: 'web', 'aws:cloudformation:stack-name': 'web-stack' }),
  });
  const worker = await run(use1, {
    SubnetId: subnetId,
    MetadataOptions: { HttpTokens: 'optional' },
    UserData: b64(gzipSync(script(keys.worker))),
    TagSpecifications: tags({ Name: 'worker', 'kubernetes.io/cluster/prod': 'owned' }),
  });
  const binary = Buffer.from(Array.from({ length: 600 }, (_, n) => (n * 151 + 7) % 256));
  const broken = await run(use1, { SubnetId: subnetId, MetadataOptions: { HttpTokens: 'required' }, UserData: b64(binary), TagSpecifications: tags({ Name: 'broken' }) });

  const eip = await use1.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await use1.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId!, InstanceId: web }));
  const natEip = await use1.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const nat = (await use1.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: natEip.AllocationId! }))).NatGateway!;
  const endpoint = (await use1.send(new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Interface', SubnetIds: [subnetId] }))).VpcEndpoint!;

  const template = (
    await use1.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'app-template',
        LaunchTemplateData: { ImageId: LINUX_AMI, UserData: b64(script(keys.template)), IamInstanceProfile: { Name: 'app-profile' }, MetadataOptions: { HttpTokens: 'optional' } },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'app' }] }],
      }),
    )
  ).LaunchTemplate!;
  await use1.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: template.LaunchTemplateId!, LaunchTemplateData: { ImageId: LINUX_AMI, MetadataOptions: { HttpTokens: 'required' } } }));
  const autoScaling = new AutoScalingClient(clientConfig('us-east-1'));
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'app-asg',
      MinSize: 1,
      MaxSize: 3,
      DesiredCapacity: 1,
      LaunchTemplate: { LaunchTemplateId: template.LaunchTemplateId!, Version: '1' },
      VPCZoneIdentifier: subnetId,
      Tags: [{ Key: 'team', Value: 'app', PropagateAtLaunch: false }],
    }),
  );
  const group = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['app-asg'] }))).AutoScalingGroups![0]!;
  const fromGroup = group.Instances![0]!.InstanceId!;
  await autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: 'legacy-lc',
      ImageId: LINUX_AMI,
      InstanceType: 't3.micro',
      IamInstanceProfile: 'app-profile',
      MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 },
      UserData: b64(`#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    content: KEY=${keys.lcKeyId}\n`),
    }),
  );

  // eu-west-1: a Windows instance with cloud-init style MIME user data, and a bare instance
  const euw1 = new EC2Client(clientConfig('eu-west-1'));
  const mime = [
    'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
    'MIME-Version: 1.0',
    '',
    '--==BOUNDARY==',
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    '',
    '#!/bin/sh',
    'echo no keys here',
    '--==BOUNDARY==',
    'Content-Type: text/cloud-config',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="creds.yaml"',
    '',
    b64(`#cloud-config\naws:\n  access_key_id: ${keys.eu.id}\n  secret_access_key: ${keys.eu.secret}\n`),
    '--==BOUNDARY==--',
    '',
  ].join('\n');
  const windows = await run(euw1, {
    ImageId: WINDOWS_AMI,
    IamInstanceProfile: { Name: 'app-profile' },
    MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
    UserData: b64(mime),
    TagSpecifications: tags({ Name: 'win' }),
  });
  const bare = await run(euw1, {});

  const associations = async (ec2: EC2Client) => (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? [];
  const associationOf = new Map([...(await associations(use1)), ...(await associations(euw1))].map((a) => [a.InstanceId!, a.AssociationId!]));
  return {
    keys,
    profile: { arn: profile.Arn!, id: profile.InstanceProfileId! },
    associationOf,
    ids: { web, worker, broken, fromGroup, windows, bare },
    vpcId,
    subnetId,
    eip: { allocationId: eip.AllocationId!, publicIp: eip.PublicIp! },
    natEip: { allocationId: natEip.AllocationId!, publicIp: natEip.PublicIp! },
    natId: nat.NatGatewayId!,
    endpointId: endpoint.VpcEndpointId!,
    template: { id: template.LaunchTemplateId!, name: 'app-template' },
    groupArn: group.AutoScalingGroupARN!,
  };
}

describe('scanEc2 (moto)', () => {
  it('finds exactly what was planted in two regions', async () => {
    const planted = await seedAccount();
    const { ids, keys } = planted;
    const { aws, host, incomplete, scan } = newScan();
    const result = await scan(['us-east-1', 'eu-west-1']);
    aws.destroy();

    expect(incomplete.parts).toEqual([]);
    // the output is what the model says it is
    expect(InventoryDocument.shape.ec2.parse(result.ec2)).toEqual(result.ec2);
    expect(Finding.array().parse(result.credentials)).toEqual(result.credentials);
    expect(InventoryFinding.array().parse(result.findings)).toEqual(result.findings);

    // instances: sorted by region then ID
    const instances = result.ec2.instances;
    expect(instances.map((i) => [i.region, i.instanceId])).toEqual(
      [
        ['eu-west-1', ids.windows],
        ['eu-west-1', ids.bare],
        ['us-east-1', ids.web],
        ['us-east-1', ids.worker],
        ['us-east-1', ids.broken],
        ['us-east-1', ids.fromGroup],
      ].sort((a, b) => (a.join() < b.join() ? -1 : 1)),
    );
    const byId = new Map(instances.map((i) => [i.instanceId, i]));
    const web = byId.get(ids.web)!;
    expect(web).toMatchObject({
      state: 'running',
      name: 'web',
      owner: { cloudFormationStack: 'web-stack' },
      platform: 'linux',
      vpcId: planted.vpcId,
      subnetId: planted.subnetId,
      instanceProfile: { arn: planted.profile.arn, associationId: planted.associationOf.get(ids.web) },
      metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 2 },
      launchTemplate: null,
      userData: { present: true, parts: 1 },
    });
    expect(web.instanceProfile!.associationId).toMatch(/^iip-assoc-/);
    expect(web.publicIps).toContain(planted.eip.publicIp);
    expect(web.networkInterfaces).toHaveLength(1);
    expect(web.networkInterfaces[0]).toMatchObject({ subnetId: planted.subnetId, vpcId: planted.vpcId, privateIps: web.privateIps });
    expect(web.launchTime).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(byId.get(ids.worker)).toMatchObject({
      name: 'worker',
      owner: { eksCluster: 'prod' },
      instanceProfile: null,
      metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled' },
      userData: { present: true, parts: 1 },
    });
    // malformed user data: a problem on the instance, and the scan went on
    expect(byId.get(ids.broken)!.userData).toEqual({ present: true, parts: 1, problem: expect.stringMatching(/binary/) });
    expect(byId.get(ids.fromGroup)).toMatchObject({
      owner: { autoScalingGroup: 'app-asg' },
      launchTemplate: { id: planted.template.id, version: '1' },
      userData: { present: true, parts: 1 },
    });
    expect(byId.get(ids.windows)).toMatchObject({
      platform: 'windows',
      instanceProfile: { arn: planted.profile.arn, associationId: planted.associationOf.get(ids.windows) },
      metadataOptions: { httpTokens: 'optional', httpEndpoint: 'disabled' },
      userData: { present: true, parts: 2 },
    });
    expect(byId.get(ids.bare)).toMatchObject({ name: null, owner: {}, instanceProfile: null, userData: { present: false, parts: 0 } });

    // keys in user data, launch template versions and launch configurations: exactly these
    const where = result.credentials.map((f) => [f.rule, f.keyId, f.location]);
    expect(where).toEqual([
      ['aws-access-key-pair', keys.eu.id, { type: 'user-data', instanceId: ids.windows, region: 'eu-west-1', part: 1, contentType: 'text/cloud-config', filename: 'creds.yaml', line: 3 }],
      ['aws-access-key-id', keys.lcKeyId, { type: 'launch-configuration', name: 'legacy-lc', region: 'us-east-1', part: 0, contentType: 'text/cloud-config', line: 4 }],
      [
        'aws-access-key-pair',
        keys.template.id,
        { type: 'launch-template', launchTemplateId: planted.template.id, launchTemplateName: 'app-template', version: 1, region: 'us-east-1', part: 0, contentType: 'text/x-shellscript', line: 2 },
      ],
      ...(
        [
          ['aws-access-key-pair', keys.web.id, { type: 'user-data', instanceId: ids.web, region: 'us-east-1', part: 0, contentType: 'text/x-shellscript', line: 2 }],
          ['aws-access-key-pair', keys.worker.id, { type: 'user-data', instanceId: ids.worker, region: 'us-east-1', part: 0, contentType: 'text/x-shellscript', line: 2 }],
          ['aws-access-key-pair', keys.template.id, { type: 'user-data', instanceId: ids.fromGroup, region: 'us-east-1', part: 0, contentType: 'text/x-shellscript', line: 2 }],
        ] as const
      ).toSorted((a, b) => (a[2].instanceId < b[2].instanceId ? -1 : 1)),
    ]);
    // the template key is tied to the group through the template and the instance
    expect(result.ec2.autoScalingGroups).toEqual([
      {
        name: 'app-asg',
        arn: planted.groupArn,
        region: 'us-east-1',
        launchTemplate: { id: planted.template.id, name: 'app-template', version: '1' },
        launchConfigurationName: null,
        mixedInstancesPolicy: false,
        instances: [ids.fromGroup],
        minSize: 1,
        maxSize: 3,
        desiredCapacity: 1,
        tags: { team: 'app' },
      },
    ]);
    expect(result.ec2.launchTemplates).toEqual([
      {
        id: planted.template.id,
        name: 'app-template',
        region: 'us-east-1',
        defaultVersion: 1,
        latestVersion: 2,
        tags: { team: 'app' },
        versions: [
          { version: 1, instanceProfile: { arn: null, name: 'app-profile' }, metadataOptions: { httpTokens: 'optional' }, userData: { present: true, parts: 1 } },
          { version: 2, instanceProfile: null, metadataOptions: { httpTokens: 'required' }, userData: { present: false, parts: 0 } },
        ],
      },
    ]);
    expect(result.ec2.launchConfigurations).toEqual([
      { name: 'legacy-lc', region: 'us-east-1', instanceProfile: 'app-profile', metadataOptions: { httpTokens: 'optional', hopLimit: 1 }, userData: { present: true, parts: 1 } },
    ]);

    // the network facts usage attribution needs
    expect(result.ec2.elasticIps).toHaveLength(2);
    expect(result.ec2.elasticIps).toContainEqual({
      allocationId: planted.eip.allocationId,
      publicIp: planted.eip.publicIp,
      region: 'us-east-1',
      instanceId: ids.web,
      networkInterfaceId: web.networkInterfaces[0]!.id,
      privateIp: web.privateIps[0],
    });
    expect(result.ec2.natGateways).toEqual([
      { id: planted.natId, region: 'us-east-1', vpcId: planted.vpcId, subnetId: planted.subnetId, state: 'available', publicIps: [planted.natEip.publicIp], privateIps: [expect.any(String)] },
    ]);
    expect(result.ec2.vpcEndpoints).toEqual([
      { id: planted.endpointId, region: 'us-east-1', vpcId: planted.vpcId, serviceName: 'com.amazonaws.us-east-1.s3', type: 'Interface', subnetIds: [planted.subnetId], networkInterfaceIds: [expect.stringMatching(/^eni-/)] },
    ]);

    // findings: exactly these
    const findings = result.findings.map((f) => [f.rule, f.subject.type === 'instance' ? f.subject.instanceId : f.subject.type === 'launch-template' ? `${f.subject.launchTemplateId} v${f.subject.version}` : '']);
    expect(findings.toSorted()).toEqual(
      [
        ['instance-owned-by-cloudformation', ids.web],
        ['instance-without-profile', ids.worker],
        ['instance-allows-imdsv1', ids.worker],
        ['instance-without-profile', ids.broken],
        // moto attaches no profile to instances a group launches (AWS would use the template's)
        ['instance-without-profile', ids.fromGroup],
        ['instance-allows-imdsv1', ids.fromGroup],
        ['instance-owned-by-autoscaling', ids.fromGroup],
        ['instance-without-profile', ids.bare],
        ['instance-allows-imdsv1', ids.bare],
        ['launch-template-allows-imdsv1', `${planted.template.id} v1`],
      ].toSorted(),
    );
    expect(result.findings.find((f) => f.rule === 'instance-owned-by-autoscaling')?.message).toContain('app-asg');

    // progress and findings reached the host; no secret reached anything
    const progress = host.events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', phase: 'ec2', done: 6, total: 6, unit: 'instances' });
    expect(host.events.filter((e) => e.type === 'finding')).toHaveLength(result.credentials.length);
    const everything = JSON.stringify(result) + JSON.stringify(host.events);
    for (const k of [keys.web, keys.worker, keys.template, keys.eu]) for (const piece of secretPieces(k.secret)) expect(everything).not.toContain(piece);
  });

  it('makes one call per instance (its user data) and pages everything else per region', async () => {
    const planted = await seedAccount();
    const { aws, scan } = newScan();
    await scan(['us-east-1', 'eu-west-1']);
    const calls = Object.fromEntries([...aws.calls].map(([name, n]) => [name.split(' ')[1]!, n]));
    aws.destroy();
    const instances = Object.keys(planted.ids).length;
    expect(calls).toEqual({
      DescribeInstanceAttributeCommand: instances,
      // one page of each listing per region, and one for the versions of the one template
      DescribeInstancesCommand: 2,
      DescribeIamInstanceProfileAssociationsCommand: 2,
      DescribeLaunchTemplatesCommand: 2,
      DescribeLaunchTemplateVersionsCommand: 1,
      DescribeAutoScalingGroupsCommand: 2,
      DescribeLaunchConfigurationsCommand: 2,
      DescribeAddressesCommand: 2,
      DescribeNatGatewaysCommand: 2,
      DescribeVpcEndpointsCommand: 2,
    });
    // every command sent is in the table `keyshift permissions` is generated from
    const listed = new Set(EC2_CALLS.flatMap((c) => c.commands));
    for (const command of Object.keys(calls)) expect(listed).toContain(command);

    // more instances: only the user data reads grow
    const ec2 = new EC2Client(clientConfig('eu-west-1'));
    await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, MinCount: 40, MaxCount: 40, UserData: b64('#!/bin/sh\necho hello\n') }));
    const again = newScan();
    await again.scan(['us-east-1', 'eu-west-1']);
    const callsAfter = Object.fromEntries([...again.aws.calls].map(([name, n]) => [name.split(' ')[1]!, n]));
    again.aws.destroy();
    expect(callsAfter).toEqual({ ...calls, DescribeInstanceAttributeCommand: instances + 40 });
    const total = Object.values(callsAfter).reduce((a, b) => a + b, 0);
    // 46 instances: (46 + 17) / 46 ≈ 1.37 here; the benchmark's 1,000 instances in 3 regions give ≈ 1.03
    expect(total).toBe(instances + 40 + 17);
  });

  it('gives the same document for the same account, whatever the concurrency', async () => {
    await seedAccount();
    const first = newScan({ concurrency: 1 });
    const a = await first.scan(['eu-west-1', 'us-east-1']);
    first.aws.destroy();
    const second = newScan({ concurrency: 16 });
    const b = await second.scan(['us-east-1', 'eu-west-1']);
    second.aws.destroy();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
