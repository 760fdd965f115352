// scan host against a fixture root filesystem with a key in every place it looks: exactly
// which findings come out, with which Locations, owners and modes; the role blockers; and
// what is never read (a link out of the root) or cannot be (non-UTF-8, a closed process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingHost } from '../../../src/io/host.js';
import { Finding, type Severity } from '../../../src/model/finding.js';
import { scanHost, type ScanHostResult } from '../../../src/scan/host/scan-host.js';
import { ALICE, BOB, fixtureHost, ownerName, type FixtureHost } from '../../helpers/host-root.js';
import { removeTempDirs } from '../../helpers/git-repo.js';

afterAll(removeTempDirs);

const HOST = 'web-1';
let fixture: FixtureHost;
let result: ScanHostResult;
let events: RecordingHost['events'];

beforeAll(async () => {
  fixture = fixtureHost();
  const host = new RecordingHost();
  result = await scanHost({ root: fixture.root, hostName: HOST, includeProcesses: true, host });
  events = host.events;
});

type KeyName = keyof FixtureHost['keys'];

/** A finding as the test writes it: the rule, the fixture key it is about (if any), and where. */
function finding(rule: Finding['rule'], severity: Severity, key: KeyName | undefined, where: Record<string, unknown>, parts: 'both' | 'id' | 'secret' = 'both') {
  const k = key === undefined ? undefined : fixture.keys[key];
  return {
    rule,
    severity,
    ...(k && parts !== 'secret' && { keyId: k.id, keyKind: 'long-term', account: { id: '123456789012', source: 'decoded' } }),
    ...(k && parts !== 'id' && { secretFingerprint: k.fp }),
    location: { host: HOST, ...where },
  };
}

const file = (path: string, format: string, owner: number, mode: string, rest: Record<string, unknown>) => ({
  type: 'host-file',
  path,
  format,
  owner: ownerName(owner),
  mode,
  ...rest,
});

describe('scanHost on a fixture root', () => {
  it('finds every planted key and role blocker, with its full location, and nothing else', () => {
    const withoutFingerprint = result.findings.map(({ fingerprint: _, ...rest }) => rest);
    expect(withoutFingerprint).toEqual([
      // files, in path order
      finding('aws-secret-access-key', 'high', 'appDropIn', file('/etc/app/secrets.env', 'env', 0, '0640', { variable: 'AWS_SECRET_ACCESS_KEY', line: 1 }), 'secret'),
      finding('aws-profile-selects-static-keys', 'high', 'aliceDeploy', file('/etc/cron.d/report', 'shell', 0, '0644', { variable: 'AWS_PROFILE', line: 1 })),
      finding('aws-access-key-pair', 'critical', 'defaultBackup', file('/etc/default/backup', 'env', 0, '0644', { variable: 'AWS_ACCESS_KEY_ID', line: 2 })),
      finding('aws-ec2-metadata-disabled', 'high', undefined, file('/etc/environment', 'env', 0, '0644', { variable: 'AWS_EC2_METADATA_DISABLED', line: 2 })),
      finding('aws-access-key-pair', 'critical', 's3fsBucket', file('/etc/passwd-s3fs', 'other', 0, '0640', { section: 'media-bucket', line: 1 })),
      finding('aws-access-key-id', 'high', 'appDropIn', file('/etc/systemd/system/app.service.d/10-key.conf', 'systemd', 0, '0644', { section: 'Service', variable: 'AWS_ACCESS_KEY_ID', line: 2 }), 'id'),
      finding('aws-access-key-pair', 'critical', 'worker', file('/etc/worker/credentials', 'aws-credentials', 0, '0600', { section: 'default', variable: 'aws_access_key_id', line: 2 })),
      finding('aws-source-profile', 'medium', 'aliceDeploy', file('/home/alice/.aws/config', 'aws-config', ALICE, '0644', { section: 'profile ci', variable: 'source_profile', line: 6 })),
      finding('aws-credential-process', 'medium', undefined, file('/home/alice/.aws/config', 'aws-config', ALICE, '0644', { section: 'profile vault', variable: 'credential_process', line: 9 })),
      finding('aws-access-key-pair', 'critical', 'aliceDefault', file('/home/alice/.aws/credentials', 'aws-credentials', ALICE, '0600', { section: 'default', variable: 'aws_access_key_id', line: 2 })),
      finding('aws-access-key-pair', 'critical', 'aliceDeploy', file('/home/alice/.aws/credentials', 'aws-credentials', ALICE, '0600', { section: 'deploy', variable: 'aws_access_key_id', line: 6 })),
      finding('aws-access-key-pair', 'critical', 'rclone', file('/home/alice/.config/rclone/rclone.conf', 'ini', ALICE, '0600', { section: 's3remote', variable: 'access_key_id', line: 4 })),
      finding('aws-access-key-pair', 'critical', 's3fsHome', file('/home/alice/.passwd-s3fs', 'other', ALICE, '0600', { line: 1 })),
      finding('aws-access-key-pair', 'critical', 's3cmd', file('/home/alice/.s3cfg', 'ini', ALICE, '0600', { section: 'default', variable: 'access_key', line: 2 })),
      // a link to /srv/shared/aws-credentials, followed within the root; owner and mode are the target's
      finding('aws-access-key-pair', 'critical', 'bobShared', file('/home/bob/.aws/credentials', 'aws-credentials', BOB, '0640', { section: 'default', variable: 'aws_access_key_id', line: 2 })),
      finding('aws-access-key-pair', 'critical', 'boto', file('/home/bob/.boto', 'ini', BOB, '0600', { section: 'Credentials', variable: 'aws_access_key_id', line: 2 })),
      // masked (linked to /dev/null), but the key is on disk
      finding('aws-access-key-id', 'high', 'masked', file('/lib/systemd/system/old.service', 'systemd', 0, '0644', { section: 'Service', variable: 'AWS_ACCESS_KEY_ID', line: 2 }), 'id'),
      finding('aws-access-key-pair', 'critical', 'composeWorker', file('/srv/shop/.env', 'env', 0, '0600', { variable: 'WORKER_KEY_ID', line: 1 })),
      finding('aws-access-key-pair', 'critical', 'composeWeb', file('/srv/shop/docker-compose.yml', 'compose', 0, '0644', { section: 'web', variable: 'AWS_ACCESS_KEY_ID', line: 9 })),
      finding('aws-ec2-metadata-disabled', 'high', undefined, file('/srv/shop/worker.env', 'env', 0, '0644', { variable: 'AWS_EC2_METADATA_DISABLED', line: 1 })),
      finding('aws-access-key-pair', 'critical', 'cron', file('/var/spool/cron/crontabs/bob', 'shell', BOB, '0600', { variable: 'AWS_ACCESS_KEY_ID', line: 2 })),
      // services, by manager and unit
      finding('aws-access-key-pair', 'critical', 'composeWeb', { type: 'service-env', manager: 'compose', unit: 'web', file: '/srv/shop/docker-compose.yml', variable: 'AWS_ACCESS_KEY_ID' }),
      // ${WORKER_KEY_ID} and the pass-through AWS_SECRET_ACCESS_KEY both come whole from .env
      finding('aws-access-key-pair', 'critical', 'composeWorker', { type: 'service-env', manager: 'compose', unit: 'worker', file: '/srv/shop/.env', variable: 'AWS_ACCESS_KEY_ID' }),
      finding('aws-profile-selects-static-keys', 'high', 'aliceDeploy', { type: 'service-env', manager: 'compose', unit: 'worker', file: '/srv/shop/docker-compose.yml', variable: 'AWS_PROFILE' }),
      finding('aws-ec2-metadata-disabled', 'high', undefined, { type: 'service-env', manager: 'compose', unit: 'worker', file: '/srv/shop/worker.env', variable: 'AWS_EC2_METADATA_DISABLED' }),
      // User=alice: AWS_PROFILE=deploy is looked up in alice's ~/.aws
      finding('aws-profile-selects-static-keys', 'high', 'aliceDeploy', { type: 'service-env', manager: 'systemd', unit: 'app.service', file: '/etc/systemd/system/app.service', variable: 'AWS_PROFILE' }),
      // the key ID from the drop-in and the secret from the EnvironmentFile make one credential
      finding('aws-access-key-pair', 'critical', 'appDropIn', { type: 'service-env', manager: 'systemd', unit: 'app.service', file: '/etc/systemd/system/app.service.d/10-key.conf', variable: 'AWS_ACCESS_KEY_ID' }),
      finding('aws-credentials-file-has-static-keys', 'high', 'worker', { type: 'service-env', manager: 'systemd', unit: 'worker.service', file: '/lib/systemd/system/worker.service', variable: 'AWS_SHARED_CREDENTIALS_FILE' }),
      // processes, by PID
      finding('aws-access-key-pair', 'critical', 'jvm', { type: 'process-env', pid: 4242, command: 'java', user: 'alice', variable: '-Daws.accessKeyId' }),
      finding('aws-profile-selects-static-keys', 'high', 'aliceDeploy', { type: 'process-env', pid: 4242, command: 'java', user: 'alice', variable: 'AWS_PROFILE' }),
      // key ID and secret 21 variables apart still pair: their names share a stem
      finding('aws-access-key-pair', 'critical', 'daemon', { type: 'process-env', pid: 4243, command: 'daemon', user: 'root', variable: 'AWS_ACCESS_KEY_ID' }),
    ]);
  });

  it('gives every finding a valid, unique fingerprint and a Location the model accepts', () => {
    for (const f of result.findings) expect(() => Finding.parse(f)).not.toThrow();
    expect(new Set(result.findings.map((f) => f.fingerprint)).size).toBe(result.findings.length);
  });

  it('never reads outside the root: a link to an absolute path outside resolves within it', () => {
    const json = JSON.stringify(result);
    expect(json).not.toContain(fixture.keys.outside.id);
    expect(json).not.toContain(fixture.keys.outside.fp);
    expect(json).not.toContain(fixture.outside);
  });

  it('reports the non-UTF-8 file as a problem, counts the closed process, and goes on', () => {
    expect(result.problems).toEqual([{ path: '/etc/default/broken', reason: 'not-utf8', message: 'not valid UTF-8; not scanned' }]);
    expect(result.stats.processes).toEqual({ seen: 3, scanned: 2, denied: 1, gone: 0 });
    expect(result.stats.skipped).toEqual({ binary: 0, tooLarge: 0, symlinks: 0, unreadable: 0 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'processes-denied' }));
  });

  it('reports progress by phase', () => {
    expect(events.filter((e) => e.type === 'phase').map((e) => e.type === 'phase' && e.phase)).toEqual([
      'aws-config',
      'tool-configs',
      'environment',
      'systemd',
      'apps',
      'cron',
      'processes',
    ]);
  });

  it('gives the same fingerprints on a second scan, whatever the PIDs', async () => {
    const again = await scanHost({ root: fixture.root, hostName: HOST, includeProcesses: true, host: new RecordingHost() });
    expect(again.findings.map((f) => f.fingerprint)).toEqual(result.findings.map((f) => f.fingerprint));
  });

  it('leaves processes alone unless asked, and looks only in the application directories given', async () => {
    const scan = await scanHost({ root: fixture.root, hostName: HOST, includeProcesses: false, appDirs: ['/opt'], host: new RecordingHost() });
    expect(scan.findings.some((f) => f.location.type === 'process-env')).toBe(false);
    expect(scan.findings.some((f) => f.location.type === 'service-env' && f.location.manager === 'compose')).toBe(false);
    expect(scan.stats.processes.seen).toBe(0);
  });
});
