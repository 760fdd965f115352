// The checks both exports run before writing anything, and the naming rule they share.
import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import type { ExportableRole } from '../../../src/plan/export/exportable.js';
import { orderRoles } from '../../../src/plan/export/ordered-roles.js';
import { shortHash, uniqueNames } from '../../../src/plan/export/unique-names.js';
import { reportsRole, webRole } from './fixture-roles.js';

const withPolicy = (document: unknown): ExportableRole => ({ ...reportsRole, managedPolicies: [{ name: 'p', document: document as object }] });

describe('orderRoles', () => {
  it('orders workloads, policies and ARNs, and drops repeated ARNs', () => {
    const ordered = orderRoles([{ ...reportsRole, existingPolicyArns: ['arn:b', 'arn:a', 'arn:b'] }, webRole]);
    expect(ordered.map((r) => r.workloadId)).toEqual(['asg-web', 'i-0123456789abcdef0 (reports)']);
    expect(ordered[0]!.managedPolicies.map((p) => p.name)).toEqual(['keyshift-asg-web-s3', 'keyshift-asg-web-sqs']);
    expect(ordered[1]!.existingPolicyArns).toEqual(['arn:a', 'arn:b']);
  });

  it('refuses values that are not JSON rather than let them vanish', () => {
    expect(() => orderRoles([withPolicy({ Version: '2012-10-17', Statement: undefined })])).toThrow(/not JSON/);
    expect(() => orderRoles([withPolicy({ Version: '2012-10-17', Statement: [{ N: Number.NaN }] })])).toThrow(/number JSON cannot carry/);
    expect(() => orderRoles([withPolicy({ Version: new Date(0) })])).toThrow(/not JSON/);
    expect(() => orderRoles([withPolicy([])])).toThrow(/not a JSON object/);
  });

  it('refuses tags IAM would reject and names given twice', () => {
    expect(() => orderRoles([{ ...reportsRole, tags: { workload: 'reports (old)' } }])).toThrow(KeyshiftError);
    expect(() => orderRoles([{ ...reportsRole, tags: { 'aws:owner': 'x' } }])).toThrow(/tag key/);
    expect(() => orderRoles([reportsRole, { ...webRole, roleName: reportsRole.roleName }])).toThrow(/role name "keyshift-reports" appears twice/);
  });
});

describe('uniqueNames', () => {
  const join = (base: string, suffix: string) => `${base}_${suffix}`;

  it('keeps names that do not collide and suffixes every name that does, by a hash of its own key', () => {
    const names = uniqueNames(
      [
        { key: 'a.b', base: 'a_b' },
        { key: 'a/b', base: 'a_b' },
        { key: 'c', base: 'c' },
      ],
      join,
    );
    expect(names).toEqual(
      new Map([
        ['a.b', `a_b_${shortHash('a.b')}`],
        ['a/b', `a_b_${shortHash('a/b')}`],
        ['c', 'c'],
      ]),
    );
  });

  it('never hands out one name twice, even when a suffixed name meets another base', () => {
    const clash = `a_${shortHash('x')}`;
    expect(() => uniqueNames([{ key: 'x', base: 'a' }, { key: 'y', base: 'a' }, { key: 'z', base: clash }], join)).toThrow(/not unique/);
  });
});
