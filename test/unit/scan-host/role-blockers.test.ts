// Role blockers and AWS profiles on small roots, one situation each: what resolves to a
// static key (its own, through source_profile, through AWS_SHARED_CREDENTIALS_FILE) and what
// does not (a profile on the instance role, an unknown profile, metadata not disabled).
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingHost } from '../../../src/io/host.js';
import { scanHost } from '../../../src/scan/host/scan-host.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { removeTempDirs } from '../../helpers/git-repo.js';
import { HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const USERS = [
  { name: 'root', uid: 0, home: '/root' },
  { name: 'app', uid: 1000, home: '/home/app' },
];

async function scan(root: HostRoot) {
  const result = await scanHost({ root: root.root, hostName: 'h', includeProcesses: true, host: new RecordingHost() });
  return result.findings;
}

/** Findings other than the keys themselves, as rule, key ID and where the variable is. */
function blockers(findings: Awaited<ReturnType<typeof scan>>) {
  return findings
    .filter((f) => !['aws-access-key-pair', 'aws-access-key-id', 'aws-secret-access-key'].includes(f.rule))
    .map((f) => {
      const l = f.location;
      const where = l.type === 'host-file' ? l.path : l.type === 'service-env' ? `${l.manager}:${l.unit}` : l.type === 'process-env' ? `pid ${l.pid}` : l.type;
      return [f.rule, f.keyId ?? null, where, 'variable' in l ? l.variable : undefined];
    });
}

function credentials(profiles: Record<string, { id: string; secret: string }>): string {
  return Object.entries(profiles)
    .map(([name, k]) => `[${name}]\naws_access_key_id = ${k.id}\naws_secret_access_key = ${k.secret}\n`)
    .join('\n');
}

describe('role blockers', () => {
  it('follow AWS_PROFILE through a chain of source_profile entries to a static key', async () => {
    const base = { id: fakeKeyId(), secret: fakeSecret() };
    const root = new HostRoot()
      .passwd(USERS)
      .file('/home/app/.aws/credentials', credentials({ base }))
      .file('/home/app/.aws/config', '[profile middle]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\n[profile top]\nrole_arn = arn:aws:iam::1:role/t\nsource_profile = middle\n')
      .file('/etc/systemd/system/a.service', '[Service]\nUser=app\nEnvironment=AWS_PROFILE=top\n')
      .process(10, { name: 'a', uid: 1000, environ: ['AWS_DEFAULT_PROFILE=middle'] });
    expect(blockers(await scan(root))).toEqual([
      ['aws-source-profile', base.id, '/home/app/.aws/config', 'source_profile'],
      ['aws-source-profile', base.id, '/home/app/.aws/config', 'source_profile'],
      ['aws-profile-selects-static-keys', base.id, 'systemd:a.service', 'AWS_PROFILE'],
      ['aws-profile-selects-static-keys', base.id, 'pid 10', 'AWS_DEFAULT_PROFILE'],
    ]);
  });

  it('are not reported for profiles on the instance role, unknown profiles, or metadata left enabled', async () => {
    const root = new HostRoot()
      .passwd(USERS)
      .file('/home/app/.aws/config', '[profile instance]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Ec2InstanceMetadata\n[profile loop]\nsource_profile = loop\n')
      .file('/etc/environment', 'AWS_PROFILE=instance\nAWS_EC2_METADATA_DISABLED=false\n')
      .file('/etc/default/a', 'AWS_PROFILE=nowhere\n')
      .file('/etc/default/b', 'AWS_PROFILE=loop\n');
    expect(blockers(await scan(root))).toEqual([['aws-source-profile', null, '/home/app/.aws/config', 'source_profile']]);
  });

  it('read the file AWS_SHARED_CREDENTIALS_FILE names (~ is the user\'s home), and report its keys', async () => {
    const k = { id: fakeKeyId(), secret: fakeSecret() };
    const root = new HostRoot()
      .passwd(USERS)
      .file('/home/app/keys/aws', credentials({ ci: k }), { mode: 0o600 })
      .process(20, { name: 'ci', uid: 1000, environ: ['AWS_SHARED_CREDENTIALS_FILE=~/keys/aws', 'AWS_PROFILE=ci'] })
      .process(21, { name: 'other', uid: 1000, environ: ['AWS_SHARED_CREDENTIALS_FILE=~/keys/aws'] });
    const findings = await scan(root);
    expect(blockers(findings)).toEqual([
      ['aws-profile-selects-static-keys', k.id, 'pid 20', 'AWS_PROFILE'],
      ['aws-credentials-file-has-static-keys', k.id, 'pid 20', 'AWS_SHARED_CREDENTIALS_FILE'],
    ]);
    // pid 21 selects [default], which the file does not have: the SDK fails rather than using a key
    // the file is not in any place scanned on its own; following the variable found it
    expect(findings.find((f) => f.rule === 'aws-access-key-pair')?.location).toMatchObject({ type: 'host-file', path: '/home/app/keys/aws', format: 'aws-credentials', section: 'ci', mode: '0600' });
  });

  it('count a key inside a credential_process command as a key, without showing the command', async () => {
    const k = { id: fakeKeyId(), secret: fakeSecret() };
    const root = new HostRoot()
      .passwd(USERS)
      .file('/root/.aws/config', `[default]\ncredential_process = /bin/echo '{"Version": 1, "AccessKeyId": "${k.id}", "SecretAccessKey": "${k.secret}"}'\n`);
    const findings = await scan(root);
    expect(findings.map((f) => [f.rule, f.keyId, f.location.type === 'host-file' && f.location.section])).toEqual([
      ['aws-access-key-pair', k.id, 'default'],
      ['aws-credential-process', undefined, 'default'],
    ]);
    expect(JSON.stringify(findings)).not.toContain('/bin/echo');
  });
});
