// Attribution in place and time: which instance made a key's calls, how sure that is, and
// which keys have a source that deactivating the key would break.
import { describe, expect, it } from 'vitest';
import type { Attribution, KeyUsage } from '../../../src/model/usage.js';
import { attributeSources } from '../../../src/usage/attribution/attribute-sources.js';
import { elasticIp, instance, inventoryFixture, natGateway, vpcEndpoint, type InventoryParts } from '../../helpers/inventory-fixture.js';
import { keyUsage, sourceUse } from './key-usage-fixture.js';

const FIRST = '2025-05-02T00:00:00.000Z';
const LAST = '2025-05-20T00:00:00.000Z';
const KEY = 'AKIAQYLPMN5HFIQR7XYA';

/** Attributes one source (seen FIRST..LAST unless told) against an inventory and returns the key. */
function attributeOne(source: string, parts: InventoryParts | undefined, options: { vpcEndpointId?: string; firstSeen?: string; lastSeen?: string } = {}): KeyUsage {
  const key = keyUsage(KEY, { sources: [sourceUse(source, options.firstSeen ?? FIRST, options.lastSeen ?? LAST, options.vpcEndpointId ?? null)] });
  const [result] = attributeSources([key], parts === undefined ? undefined : inventoryFixture(parts));
  if (!result) throw new Error('no key returned');
  return result;
}

function attributionOf(key: KeyUsage): Attribution {
  const attribution = key.sources[0]?.attribution;
  if (!attribution) throw new Error('no source');
  return attribution;
}

describe('public and Elastic IPs', () => {
  it('attributes a public IP held by exactly one instance to it, with high confidence', () => {
    const key = attributeOne('203.0.113.10', { instances: [instance('i-web', { name: 'web', publicIps: ['203.0.113.10'] }), instance('i-other', { publicIps: ['203.0.113.11'] })] });
    expect(attributionOf(key)).toEqual({
      kind: 'instance',
      instanceId: 'i-web',
      region: 'eu-west-1',
      confidence: 'high',
      reason: 'public IP 203.0.113.10 is held by i-web ("web") in eu-west-1 in the inventory of 2025-06-01T00:00:00.000Z',
    });
    expect(key.uncovered).toBe(false);
  });

  it('finds an address held by a network interface, and an IPv6 address however it is written', () => {
    const nic = { id: 'eni-1', subnetId: 'subnet-a', vpcId: 'vpc-a', privateIps: ['10.0.1.5'], publicIps: ['2600:1f18:0:0::10'] };
    const key = attributeOne('2600:1F18::10', { instances: [instance('i-v6', { networkInterfaces: [nic] })] });
    expect(attributionOf(key)).toMatchObject({ kind: 'instance', instanceId: 'i-v6', confidence: 'high' });
  });

  it('attributes an Elastic IP to the instance it is associated with, directly or through its network interface', () => {
    const byInstance = attributeOne('198.51.100.20', { instances: [instance('i-eip')], elasticIps: [elasticIp('198.51.100.20', { allocationId: 'eipalloc-1', instanceId: 'i-eip' })] });
    expect(attributionOf(byInstance)).toEqual({
      kind: 'instance',
      instanceId: 'i-eip',
      region: 'eu-west-1',
      confidence: 'high',
      reason: 'Elastic IP 198.51.100.20 (eipalloc-1) is held by i-eip in eu-west-1 in the inventory of 2025-06-01T00:00:00.000Z',
    });
    const nic = { id: 'eni-9', subnetId: 'subnet-a', vpcId: 'vpc-a', privateIps: ['10.0.1.9'], publicIps: [] };
    const byInterface = attributeOne('198.51.100.21', { instances: [instance('i-nic', { networkInterfaces: [nic] })], elasticIps: [elasticIp('198.51.100.21', { networkInterfaceId: 'eni-9' })] });
    expect(attributionOf(byInterface)).toMatchObject({ kind: 'instance', instanceId: 'i-nic', confidence: 'high' });
    expect(byInterface.uncovered).toBe(false);
  });

  it('lowers the confidence to low when the holder launched after the last call: the address was reused', () => {
    const key = attributeOne('203.0.113.30', { instances: [instance('i-later', { publicIps: ['203.0.113.30'], launchTime: '2025-05-25T00:00:00.000Z' })] });
    expect(attributionOf(key)).toEqual({
      kind: 'instance',
      instanceId: 'i-later',
      region: 'eu-west-1',
      confidence: 'low',
      reason:
        'public IP 203.0.113.30 is held by i-later in eu-west-1 in the inventory of 2025-06-01T00:00:00.000Z, but it launched (or last started) at 2025-05-25T00:00:00.000Z, after the last call from this address at 2025-05-20T00:00:00.000Z: the address was reused by a later instance',
    });
    expect(key.uncovered).toBe(true);
  });

  it('lowers it to medium when the holder launched between the first and the last call', () => {
    const key = attributeOne('203.0.113.31', { instances: [instance('i-mid', { publicIps: ['203.0.113.31'], launchTime: '2025-05-10T00:00:00.000Z' })] });
    expect(attributionOf(key)).toMatchObject({ kind: 'instance', instanceId: 'i-mid', confidence: 'medium', reason: expect.stringContaining('earlier calls came from an earlier holder') });
    expect(key.uncovered).toBe(false);
  });

  it('lowers it to medium when the launch time is unknown, or the calls go on after the inventory was taken', () => {
    const unknownLaunch = attributeOne('203.0.113.32', { instances: [instance('i-x', { publicIps: ['203.0.113.32'], launchTime: null })] });
    expect(attributionOf(unknownLaunch)).toMatchObject({ confidence: 'medium', reason: expect.stringContaining('launch time is unknown') });
    const afterInventory = attributeOne('203.0.113.33', { asOf: '2025-05-10T00:00:00.000Z', instances: [instance('i-y', { publicIps: ['203.0.113.33'] })] });
    expect(attributionOf(afterInventory)).toMatchObject({ confidence: 'medium', reason: expect.stringContaining('after the inventory was taken at 2025-05-10T00:00:00.000Z') });
  });

  it('lowers it to low when the Elastic IP now points elsewhere than the instance listing it', () => {
    const unassociated = attributeOne('198.51.100.40', { instances: [instance('i-old', { publicIps: ['198.51.100.40'] })], elasticIps: [elasticIp('198.51.100.40')] });
    expect(attributionOf(unassociated)).toMatchObject({ kind: 'instance', instanceId: 'i-old', confidence: 'low', reason: expect.stringContaining('the Elastic IP is associated with nothing now') });
    expect(unassociated.uncovered).toBe(true);

    const moved = attributeOne('198.51.100.41', {
      instances: [instance('i-a', { publicIps: ['198.51.100.41'] }), instance('i-b')],
      elasticIps: [elasticIp('198.51.100.41', { instanceId: 'i-b' })],
    });
    expect(attributionOf(moved)).toMatchObject({ kind: 'instance', instanceId: 'i-b', confidence: 'low', reason: expect.stringContaining('but i-a also list it') });
  });

  it('leaves an Elastic IP uncovered when it is on something that is not an inventoried instance', () => {
    const onOtherInterface = attributeOne('198.51.100.50', { elasticIps: [elasticIp('198.51.100.50', { allocationId: 'eipalloc-lb', networkInterfaceId: 'eni-lb' })] });
    expect(attributionOf(onOtherInterface)).toEqual({
      kind: 'uncovered',
      confidence: 'none',
      reason: 'Elastic IP 198.51.100.50 (eipalloc-lb) is associated with network interface eni-lb, which belongs to no instance in the inventory (a load balancer, a NAT or another service)',
    });
    const onUnknownInstance = attributeOne('198.51.100.51', { elasticIps: [elasticIp('198.51.100.51', { instanceId: 'i-gone' })] });
    expect(attributionOf(onUnknownInstance)).toMatchObject({ kind: 'uncovered', reason: expect.stringContaining('i-gone, which is not in the inventory') });
    const idle = attributeOne('198.51.100.52', { elasticIps: [elasticIp('198.51.100.52')] });
    expect(attributionOf(idle)).toMatchObject({ kind: 'uncovered', reason: expect.stringContaining('associated with nothing now') });
  });

  it('does not pick one of several instances that list the same public IP', () => {
    const key = attributeOne('203.0.113.60', { instances: [instance('i-2', { publicIps: ['203.0.113.60'] }), instance('i-1', { publicIps: ['203.0.113.60'] })] });
    expect(attributionOf(key)).toMatchObject({ kind: 'uncovered', confidence: 'none', reason: expect.stringContaining('several instances (i-1, i-2)') });
  });
});

describe('private IPs', () => {
  const vpcA = instance('i-a', { vpcId: 'vpc-a', privateIps: ['10.0.1.5'] });
  const vpcB = instance('i-b', { vpcId: 'vpc-b', privateIps: ['10.0.1.5'] });
  const endpoints = [vpcEndpoint('vpce-a', 'vpc-a'), vpcEndpoint('vpce-b', 'vpc-b'), vpcEndpoint('vpce-c', 'vpc-c')];

  it('attributes a private IP through a VPC endpoint to the instance of that VPC holding it', () => {
    const key = attributeOne('10.0.1.5', { instances: [vpcA], vpcEndpoints: endpoints }, { vpcEndpointId: 'vpce-a' });
    expect(attributionOf(key)).toEqual({
      kind: 'instance',
      instanceId: 'i-a',
      region: 'eu-west-1',
      confidence: 'high',
      reason: 'private IP 10.0.1.5, seen through VPC endpoint vpce-a of vpc-a, is held by i-a in eu-west-1 in the inventory of 2025-06-01T00:00:00.000Z',
    });
    expect(key.uncovered).toBe(false);
  });

  it('leaves a private IP without a VPC endpoint uncovered, even when an instance holds it', () => {
    const key = attributeOne('10.0.1.5', { instances: [vpcA], vpcEndpoints: endpoints });
    expect(attributionOf(key)).toEqual({
      kind: 'uncovered',
      confidence: 'none',
      reason: '10.0.1.5 is a private address (RFC 1918 private) and the calls came through no VPC endpoint: private ranges are reused across VPCs, offices and VPNs, so it names no one instance',
    });
    expect(key.uncovered).toBe(true);
  });

  it('tells apart the same private IP in two VPCs by the endpoint', () => {
    const inventory = { instances: [vpcA, vpcB], vpcEndpoints: endpoints };
    expect(attributionOf(attributeOne('10.0.1.5', inventory, { vpcEndpointId: 'vpce-b' }))).toMatchObject({ kind: 'instance', instanceId: 'i-b', confidence: 'high' });
    expect(attributionOf(attributeOne('10.0.1.5', inventory, { vpcEndpointId: 'vpce-a' }))).toMatchObject({ kind: 'instance', instanceId: 'i-a', confidence: 'high' });
  });

  it("leaves it uncovered when the endpoint's VPC has no such instance, or the endpoint is unknown", () => {
    const inventory = { instances: [vpcA, vpcB], vpcEndpoints: endpoints };
    expect(attributionOf(attributeOne('10.0.1.5', inventory, { vpcEndpointId: 'vpce-c' }))).toMatchObject({
      kind: 'uncovered',
      reason: expect.stringContaining('no instance of vpc-c holds it'),
    });
    expect(attributionOf(attributeOne('10.0.1.5', inventory, { vpcEndpointId: 'vpce-zzz' }))).toMatchObject({
      kind: 'uncovered',
      reason: expect.stringContaining('vpce-zzz, which is not in the inventory'),
    });
  });

  it('treats shared (100.64/10) and IPv6 unique local addresses as private', () => {
    const cgnat = attributeOne('100.64.3.4', { instances: [instance('i-c', { publicIps: ['100.64.3.4'] })] });
    expect(attributionOf(cgnat)).toMatchObject({ kind: 'uncovered', reason: expect.stringContaining('(shared address space') });
    const ula = attributeOne('fd00::5', { instances: [instance('i-u', { publicIps: ['fd00::5'] })] });
    expect(attributionOf(ula)).toMatchObject({ kind: 'uncovered', reason: expect.stringContaining('(IPv6 unique local') });
  });
});

describe('NATs, offices and AWS services', () => {
  it('attributes a NAT gateway address to its VPC with medium confidence, and still flags the key', () => {
    const key = attributeOne('203.0.113.70', { instances: [instance('i-behind-nat')], natGateways: [natGateway('nat-1', 'vpc-a', ['203.0.113.70'])] });
    expect(attributionOf(key)).toEqual({
      kind: 'vpc',
      vpcId: 'vpc-a',
      region: 'eu-west-1',
      confidence: 'medium',
      reason: '203.0.113.70 is the public address of NAT gateway nat-1 in eu-west-1: the calls came from some instance of vpc-a, not one instance',
    });
    expect(key.uncovered).toBe(true);
  });

  it('attributes a NAT through its Elastic IP to the VPC, not to the Elastic IP record', () => {
    const key = attributeOne('203.0.113.71', { natGateways: [natGateway('nat-2', 'vpc-b', ['203.0.113.71'])], elasticIps: [elasticIp('203.0.113.71', { networkInterfaceId: 'eni-nat' })] });
    expect(attributionOf(key)).toMatchObject({ kind: 'vpc', vpcId: 'vpc-b', confidence: 'medium' });
  });

  it('leaves an address the inventory does not know (office, CI, another cloud) uncovered', () => {
    const key = attributeOne('192.0.2.44', { instances: [instance('i-web', { publicIps: ['203.0.113.10'] })] });
    expect(attributionOf(key)).toEqual({
      kind: 'uncovered',
      confidence: 'none',
      reason:
        '192.0.2.44 is not held by any instance, Elastic IP or NAT gateway in the inventory of 2025-06-01T00:00:00.000Z (regions eu-west-1): an office, a CI runner, another cloud, or an address released before the inventory',
    });
    expect(key.uncovered).toBe(true);
  });

  it.each([
    ['ec2.amazonaws.com', 'the AWS service ec2.amazonaws.com'],
    ['AWS Internal', 'AWS itself ("AWS Internal")'],
  ])('gives a service principal (%s) its own reason', (source, who) => {
    const key = attributeOne(source, { instances: [] });
    expect(attributionOf(key)).toEqual({
      kind: 'uncovered',
      confidence: 'none',
      reason: `the call was made by ${who} on the key's behalf, not from a host: it names no instance, and the call that caused it may come from anywhere`,
    });
    expect(key.uncovered).toBe(true);
  });

  it('says when a source is neither an address nor a service', () => {
    expect(attributionOf(attributeOne('console.example', { instances: [] }))).toMatchObject({ kind: 'uncovered', reason: '"console.example" is neither an IP address nor an AWS service name' });
  });
});

describe('the key as a whole', () => {
  it('is uncovered when any one source is, and covered when all are on instances with confidence', () => {
    const inventory = inventoryFixture({ instances: [instance('i-web', { publicIps: ['203.0.113.10'] }), instance('i-mid', { publicIps: ['203.0.113.31'], launchTime: '2025-05-10T00:00:00.000Z' })] });
    const covered = keyUsage('AKIA-COVERED', { sources: [sourceUse('203.0.113.10', FIRST, LAST), sourceUse('203.0.113.31', FIRST, LAST)] });
    const mixed = keyUsage('AKIA-MIXED', { sources: [sourceUse('203.0.113.10', FIRST, LAST), sourceUse('192.0.2.44', FIRST, LAST)] });
    const [a, b] = attributeSources([covered, mixed], inventory);
    expect(a?.sources.map((s) => `${s.attribution.kind}/${s.attribution.confidence}`)).toEqual(['instance/high', 'instance/medium']);
    expect(a?.uncovered).toBe(false);
    expect(b?.sources.map((s) => `${s.attribution.kind}/${s.attribution.confidence}`)).toEqual(['instance/high', 'uncovered/none']);
    expect(b?.uncovered).toBe(true);
  });

  it('without an inventory flags every key with a source, and still names service principals', () => {
    const withSources = keyUsage('AKIA-A', { sources: [sourceUse('203.0.113.10', FIRST, LAST), sourceUse('s3.amazonaws.com', FIRST, LAST)] });
    const silent = keyUsage('AKIA-B', { sources: [] });
    const [a, b] = attributeSources([withSources, silent], undefined);
    expect(a?.sources.map((s) => s.attribution)).toEqual([
      { kind: 'uncovered', confidence: 'none', reason: 'no inventory given: the source cannot be matched to an instance' },
      expect.objectContaining({ kind: 'uncovered', reason: expect.stringContaining('the AWS service s3.amazonaws.com') }),
    ]);
    expect(a?.uncovered).toBe(true);
    expect(b?.uncovered).toBe(false);
  });

  it('leaves its input untouched', () => {
    const key = keyUsage(KEY, { sources: [sourceUse('203.0.113.10', FIRST, LAST)] });
    const before = structuredClone(key);
    attributeSources([key], inventoryFixture({ instances: [instance('i-web', { publicIps: ['203.0.113.10'] })] }));
    expect(key).toEqual(before);
  });
});
