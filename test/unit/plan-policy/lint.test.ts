// Each lint rule on hand-made policies, and the rule tables against the IAM action catalog.
import { describe, expect, it } from 'vitest';
import { actionInfo } from '../../../src/plan/evaluator/index.js';
import { LINTED_ACTIONS, lintPolicies, policyJson, resolveActions, type PlannedStatement } from '../../../src/plan/policy/index.js';
import type { LintFinding, PlannedPolicy } from '../../../src/model/plan.js';

function planned(name: string, ...statements: [string[], string[]][]): PlannedPolicy {
  const list: PlannedStatement[] = statements.map(([actions, resources], i) => ({ sid: `S${i + 1}`, actions, resources, basis: 'observed' }));
  const document = policyJson(list);
  return { name, document, statements: list, size: JSON.stringify(document).length };
}

async function lint(...policies: PlannedPolicy[]): Promise<LintFinding[]> {
  const lookup = await resolveActions([...policies.flatMap((p) => p.statements.flatMap((s) => s.actions)), ...LINTED_ACTIONS]);
  return lintPolicies(policies, lookup);
}

const codes = (findings: LintFinding[]) => findings.map((f) => `${f.severity} ${f.code} ${f.sid ?? '-'}`);

describe('lint', () => {
  it('passes a scoped, harmless policy', async () => {
    expect(await lint(planned('p', [['s3:PutObject'], ['arn:aws:s3:::b/in/*']], [['s3:ListAllMyBuckets', 'ecr:GetAuthorizationToken'], ['*']]))).toEqual([]);
  });

  it('flags wildcard actions: error for *, warning for a service wildcard', async () => {
    const findings = await lint(planned('p', [['*'], ['arn:aws:s3:::b']], [['s3:Get*'], ['arn:aws:s3:::b/*']]));
    expect(codes(findings.filter((f) => f.code === 'wildcard-action'))).toEqual(['error wildcard-action S1', 'warning wildcard-action S2']);
  });

  it('flags wildcard resources only for actions that can be scoped', async () => {
    const findings = await lint(planned('p', [['dynamodb:GetItem'], ['*']], [['sts:GetCallerIdentity'], ['*']], [['dynamodb:PutItem'], ['arn:aws:dynamodb:us-east-1:123456789012:table/*']]));
    expect(codes(findings)).toEqual(['warning wildcard-resource S1', 'warning wildcard-resource S3']);
  });

  it('flags privilege escalation: one-action methods, PassRole and AssumeRole on every role', async () => {
    const findings = await lint(
      planned(
        'p',
        [['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreatePolicyVersion', 'iam:UpdateAssumeRolePolicy'], ['arn:aws:iam::123456789012:role/app']],
        [['iam:PassRole'], ['*']],
        [['sts:AssumeRole'], ['arn:aws:iam::123456789012:role/*']],
        [['sts:AssumeRole'], ['arn:aws:iam::123456789012:role/deployer']],
      ),
    );
    const escalation = findings.filter((f) => f.code === 'privilege-escalation');
    expect(escalation.filter((f) => f.sid === 'S1').map((f) => f.message.split(' ')[0])).toEqual([
      'iam:CreatePolicyVersion',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
    ]);
    expect(escalation.some((f) => f.sid === 'S2' && f.message.startsWith('iam:PassRole on every role'))).toBe(true);
    expect(escalation.some((f) => f.sid === 'S3' && f.message.startsWith('sts:AssumeRole on every role'))).toBe(true);
    expect(escalation.some((f) => f.sid === 'S4')).toBe(false);
    expect(escalation.every((f) => f.severity === 'error' && f.accepted === false)).toBe(true);
  });

  it('flags lambda:CreateFunction + iam:PassRole across split policies; a warning when PassRole names roles', async () => {
    const lambda = planned('p-1', [['lambda:CreateFunction', 'lambda:InvokeFunction'], ['arn:aws:lambda:us-east-1:123456789012:function:f']]);
    const wide = await lint(lambda, planned('p-2', [['iam:PassRole'], ['*']]));
    const combo = wide.find((f) => f.message.includes('PassExistingRoleToNewLambdaThenInvoke'));
    // reported where the enabling iam:PassRole is
    expect(combo).toMatchObject({ severity: 'error', policy: 'p-2', sid: 'S1' });
    expect(combo?.message).toContain('granted in p-1, p-2');
    const named = await lint(lambda, planned('p-2', [['iam:PassRole'], ['arn:aws:iam::123456789012:role/fn']]));
    expect(named.find((f) => f.message.includes('PassExistingRoleToNewLambdaThenInvoke'))?.severity).toBe('warning');
  });

  it('flags credential exposure: CreateAccessKey always, secrets and parameters on every resource', async () => {
    const findings = await lint(
      planned(
        'p',
        [['iam:CreateAccessKey'], ['arn:aws:iam::123456789012:user/app']],
        [['secretsmanager:GetSecretValue'], ['*']],
        [['ssm:GetParametersByPath'], ['arn:aws:ssm:us-east-1:123456789012:parameter/*']],
        [['secretsmanager:GetSecretValue', 'ssm:GetParameter'], ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db']],
      ),
    );
    const exposure = findings.filter((f) => f.code === 'credential-exposure');
    expect(codes(exposure)).toEqual(['warning credential-exposure S1', 'error credential-exposure S2', 'error credential-exposure S3']);
    expect(findings.some((f) => f.sid === 'S1' && f.code === 'privilege-escalation' && f.severity === 'error')).toBe(true);
  });

  it('flags data exfiltration on every resource: s3:GetObject, kms:Decrypt', async () => {
    const findings = await lint(
      planned('p', [['s3:GetObject'], ['arn:aws:s3:::*/*']], [['kms:Decrypt'], ['arn:aws:kms:us-east-1:123456789012:key/*']], [['s3:GetObject', 'kms:Decrypt'], ['arn:aws:s3:::b/*', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd']]),
    );
    expect(codes(findings.filter((f) => f.code === 'data-exfiltration'))).toEqual(['error data-exfiltration S1', 'error data-exfiltration S2']);
  });

  it('flags a policy over the size limit and a set over the per-role quota', async () => {
    const big = planned('big', [['s3:GetObject'], Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket-${i}/prefix/*`)]);
    expect(codes((await lint(big)).filter((f) => f.code === 'policy-size'))).toEqual(['error policy-size -']);
    const eleven = Array.from({ length: 11 }, (_, i) => planned(`p-${i + 1}`, [['s3:ListAllMyBuckets'], ['*']]));
    expect((await lint(...eleven)).filter((f) => f.code === 'policy-count')).toMatchObject([{ severity: 'warning', policy: 'p-11' }]);
    const many = Array.from({ length: 21 }, (_, i) => planned(`p-${i + 1}`, [['s3:ListAllMyBuckets'], ['*']]));
    expect((await lint(...many)).filter((f) => f.code === 'policy-count')).toMatchObject([{ severity: 'error', policy: 'p-21' }]);
  });

  it('names only actions the IAM catalog knows, in its spelling', async () => {
    for (const action of LINTED_ACTIONS) {
      const info = await actionInfo(action);
      expect([action, info.exists, info.name]).toEqual([action, true, action]);
    }
  });
});
