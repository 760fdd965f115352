// The cutover payload (src/apply/host/payload/cutover.sh) run for real by sh on fixture roots:
// keys leave ~/.aws/credentials, a systemd unit, an EnvironmentFile, a compose project's .env
// and a compose file with every other byte kept; backups are root-only copies of the original
// that a re-run never overwrites; restore puts the bytes back; check-identity follows the SDK's
// chain to a static key while one is left, and to the role the instance metadata (the
// emulator in src/demo) hands out once none is. No secret is ever printed.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostTarget } from '../../src/apply/host-executor.js';
import { parseCutoverOutput } from '../../src/apply/host/cutover-output.js';
import { cutoverPayload } from '../../src/apply/host/cutover-payload.js';
import { opLine, type HostOp, type HostOpResult } from '../../src/apply/host/cutover-ops.js';
import { LocalHostExecutor } from '../../src/apply/host/local-executor.js';
import type { HostFileLocation, ServiceEnvLocation } from '../../src/model/location.js';
import { startImdsEmulator, type ImdsEmulator } from '../../src/demo/imds-emulator.js';
import { fakeKeyId, fakeSecret, secretPieces } from '../helpers/fake-keys.js';
import { removeTempDirs } from '../helpers/git-repo.js';
import { ALICE, CAN_CHOWN, HostRoot } from '../helpers/host-root.js';

const INSTANCE = 'i-0123456789abcdef0';
const ROLE = 'keyshift-shop-role';
const TARGET: HostTarget = { host: 'shop-1', instanceId: INSTANCE, region: 'us-east-1' };

interface Key {
  id: string;
  secret: string;
}
const key = (): Key => ({ id: fakeKeyId(), secret: fakeSecret() });

// every byte the payload printed, on stdout or stderr, in every test
const printed: string[] = [];
const secrets: string[] = [];
let roleOf: (instanceId: string) => string | null = () => null;
let imds: ImdsEmulator;

beforeAll(async () => {
  imds = await startImdsEmulator(async (id) => roleOf(id));
});
afterAll(async () => {
  await imds.close();
  removeTempDirs();
});
afterEach(() => {
  roleOf = () => null;
});

/** The payload itself, ops on stdin, as the SSM document and the local executor run it. */
function payload(root: string, ops: readonly HostOp[], imdsEndpoint = 'none'): { results: HostOpResult[]; status: number | null } {
  const run = spawnSync('sh', [cutoverPayload().path, '--root', root], {
    input: ops.map((op) => `${opLine(op)}\n`).join(''),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KEYSHIFT_IMDS_ENDPOINT: imdsEndpoint },
  });
  printed.push(run.stdout, run.stderr);
  return { results: parseCutoverOutput(run.stdout, ops, { detail: `exit ${run.status}` }), status: run.status };
}

function one(root: string, op: HostOp, imdsEndpoint?: string): HostOpResult {
  const { results } = payload(root, [op], imdsEndpoint);
  expect(results).toHaveLength(1);
  return results[0]!;
}

const file = (path: string, format: HostFileLocation['format'], section?: string): HostFileLocation => ({ type: 'host-file', host: 'shop-1', path, format, ...(section && { section }) });
const service = (manager: ServiceEnvLocation['manager'], unit: string, path: string, variable = 'AWS_ACCESS_KEY_ID'): ServiceEnvLocation => ({ type: 'service-env', host: 'shop-1', manager, unit, file: path, variable });

interface Fixture {
  root: string;
  k: Record<'aliceDefault' | 'aliceDeploy' | 'app' | 'worker' | 'shop' | 'api', Key>;
  original: Record<string, string>;
  read(path: string): string;
}

const PATHS = {
  credentials: '/home/alice/.aws/credentials',
  unit: '/etc/systemd/system/app.service',
  appEnv: '/etc/app/app.env',
  workerUnit: '/etc/systemd/system/worker.service',
  workerEnv: '/etc/worker/worker.env',
  compose: '/srv/shop/docker-compose.yml',
  dotEnv: '/srv/shop/.env',
} as const;

function fixture(): Fixture {
  const k = { aliceDefault: key(), aliceDeploy: key(), app: key(), worker: key(), shop: key(), api: key() };
  secrets.push(...Object.values(k).map((x) => x.secret));
  const original: Record<string, string> = {
    [PATHS.credentials]: [
      '# written by aws configure',
      '[default]',
      `aws_access_key_id = ${k.aliceDefault.id}`,
      `aws_secret_access_key = ${k.aliceDefault.secret}`,
      'region = eu-west-1',
      '',
      '[deploy]',
      `aws_access_key_id=${k.aliceDeploy.id}`,
      `aws_secret_access_key=${k.aliceDeploy.secret}`,
      '',
    ].join('\n'),
    [PATHS.unit]: [
      '[Unit]',
      'Description=The app',
      '',
      '[Service]',
      'User=alice',
      `Environment="AWS_PROFILE=deploy" AWS_ACCESS_KEY_ID=${k.app.id} "LOG_LEVEL=info"`,
      `Environment=AWS_SECRET_ACCESS_KEY=${k.app.secret}`,
      'EnvironmentFile=-/etc/app/app.env',
      'ExecStart=/usr/bin/app',
      '',
    ].join('\n'),
    [PATHS.appEnv]: 'LOG_FORMAT=json\r\nAWS_REGION=eu-west-1\r\n',
    [PATHS.workerUnit]: '[Service]\nEnvironmentFile=/etc/worker/worker.env\nExecStart=/usr/bin/worker\n',
    [PATHS.workerEnv]: ['# the worker', 'QUEUE=jobs', `AWS_ACCESS_KEY_ID=${k.worker.id}`, `export AWS_SECRET_ACCESS_KEY="${k.worker.secret}" # rotated never`, 'AWS_REGION=eu-west-1', ''].join('\n'),
    [PATHS.compose]: [
      'services:',
      '  web:',
      '    image: shop/web',
      '    environment:',
      '      - AWS_ACCESS_KEY_ID',
      '      - AWS_SECRET_ACCESS_KEY',
      '      - LOG_LEVEL=info',
      '  api:',
      '    image: shop/api',
      '    environment:',
      `      AWS_ACCESS_KEY_ID: ${k.api.id}`,
      `      AWS_SECRET_ACCESS_KEY: "${k.api.secret}" # the key`,
      '    ports: ["8080:8080"]',
      '',
    ].join('\n'),
    // no newline at the end: kept so
    [PATHS.dotEnv]: `COMPOSE_PROJECT_NAME=shop\nAWS_ACCESS_KEY_ID=${k.shop.id}\nAWS_SECRET_ACCESS_KEY='${k.shop.secret}'\nTZ=UTC`,
  };
  const host = new HostRoot().passwd([
    { name: 'root', uid: 0, home: '/root' },
    { name: 'alice', uid: ALICE, home: '/home/alice' },
  ]);
  host.file(PATHS.credentials, original[PATHS.credentials]!, { mode: 0o600, uid: ALICE });
  host.file(PATHS.unit, original[PATHS.unit]!);
  host.file(PATHS.appEnv, original[PATHS.appEnv]!);
  host.file(PATHS.workerUnit, original[PATHS.workerUnit]!);
  host.file(PATHS.workerEnv, original[PATHS.workerEnv]!, { mode: 0o640 });
  host.file(PATHS.compose, original[PATHS.compose]!);
  host.file(PATHS.dotEnv, original[PATHS.dotEnv]!, { mode: 0o600 });
  return { root: host.root, k, original, read: (path) => readFileSync(join(host.root, path), 'utf8') };
}

const backupId = 'plan-00112233aabbccdd-0123456789ab';

function removals(f: Fixture): HostOp[] {
  return [
    { op: 'remove-credential', location: file(PATHS.credentials, 'aws-credentials', 'default'), accessKeyId: f.k.aliceDefault.id, backupId },
    { op: 'remove-credential', location: service('systemd', 'app.service', PATHS.unit), accessKeyId: f.k.app.id, backupId },
    { op: 'remove-credential', location: service('systemd', 'worker.service', PATHS.workerEnv), accessKeyId: f.k.worker.id, backupId },
    { op: 'remove-credential', location: service('compose', 'web', PATHS.dotEnv), accessKeyId: f.k.shop.id, backupId },
    { op: 'remove-credential', location: file(PATHS.compose, 'compose'), accessKeyId: f.k.api.id, backupId },
  ];
}

/** What each file must be once its key is gone: the original without exactly these lines. */
function expectedAfter(f: Fixture): Record<string, string> {
  const without = (path: string, drop: (line: string) => boolean) =>
    f.original[path]!.split('\n')
      .filter((l) => !drop(l))
      .join('\n');
  return {
    [PATHS.credentials]: without(PATHS.credentials, (l) => l.includes(f.k.aliceDefault.id) || l.includes(f.k.aliceDefault.secret)),
    [PATHS.unit]: f.original[PATHS.unit]!.replace(` AWS_ACCESS_KEY_ID=${f.k.app.id}`, '').replace(`Environment=AWS_SECRET_ACCESS_KEY=${f.k.app.secret}\n`, ''),
    [PATHS.workerEnv]: without(PATHS.workerEnv, (l) => l.startsWith('AWS_ACCESS_KEY_ID=') || l.startsWith('export AWS_SECRET_ACCESS_KEY=')),
    [PATHS.dotEnv]: without(PATHS.dotEnv, (l) => l.startsWith('AWS_')),
    // the api service's environment held nothing else: it goes with them
    [PATHS.compose]: without(PATHS.compose, (l) => l.includes(f.k.api.id) || l.includes(f.k.api.secret)).replace('    image: shop/api\n    environment:\n', '    image: shop/api\n'),
  };
}

const backupOf = (root: string, path: string) => join(root, 'var/lib/keyshift/backups', backupId, path);
const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('remove-credential', () => {
  it('removes the key lines from each format and keeps every other byte, after a root-only backup of the original', () => {
    const f = fixture();
    const before = { credentials: statSync(join(f.root, PATHS.credentials)), workerEnv: statSync(join(f.root, PATHS.workerEnv)) };
    const { results, status } = payload(f.root, removals(f));
    expect(status).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'changed', 'changed', 'changed']);

    const expected = expectedAfter(f);
    for (const [path, text] of Object.entries(expected)) expect(f.read(path), path).toBe(text);
    // the files nobody asked about are untouched, and the EnvironmentFile's CRLF lines too
    expect(f.read(PATHS.appEnv)).toBe(f.original[PATHS.appEnv]);
    expect(f.read(PATHS.workerUnit)).toBe(f.original[PATHS.workerUnit]);

    // the edited files keep their mode and owner
    const after = { credentials: statSync(join(f.root, PATHS.credentials)), workerEnv: statSync(join(f.root, PATHS.workerEnv)) };
    expect(after.credentials.mode & 0o7777).toBe(0o600);
    expect(after.workerEnv.mode & 0o7777).toBe(0o640);
    expect(after.credentials.uid).toBe(before.credentials.uid);
    if (CAN_CHOWN) expect(after.credentials.uid).toBe(ALICE);

    // each backup is the original's bytes, 0600, in directories only its owner enters
    for (const path of Object.keys(expected)) {
      const backup = backupOf(f.root, path);
      expect(readFileSync(backup, 'utf8'), path).toBe(f.original[path]);
      expect(modeOf(backup)).toBe(0o600);
      expect(results.find((r) => r.backupPath === `/var/lib/keyshift/backups/${backupId}${path}`)).toBeDefined();
    }
    for (const dir of ['var/lib/keyshift', 'var/lib/keyshift/backups', `var/lib/keyshift/backups/${backupId}`, `var/lib/keyshift/backups/${backupId}/home/alice/.aws`]) {
      expect(modeOf(join(f.root, dir)), dir).toBe(0o700);
    }
    expect(statSync(backupOf(f.root, PATHS.credentials)).uid).toBe(process.getuid!());
    // the original's mode and owner are kept next to the backup, for a restore of a deleted file
    expect(readFileSync(`${backupOf(f.root, PATHS.credentials)}.keyshift-meta`, 'utf8')).toBe(`600 ${before.credentials.uid} ${before.credentials.gid}\n`);
  });

  it('changes nothing when run again, and never overwrites the first backup', () => {
    const f = fixture();
    payload(f.root, removals(f));
    const edited = Object.fromEntries(Object.keys(expectedAfter(f)).map((p) => [p, f.read(p)]));

    const again = payload(f.root, removals(f));
    expect(again.results.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.results[0]!.message).toContain('is no longer in');
    for (const [path, text] of Object.entries(edited)) expect(f.read(path)).toBe(text);

    // a resume after a crash that left the backup but not the edit: the file holds the key
    // again (here with a line added since), and the backup stays the first run's copy
    writeFileSync(join(f.root, PATHS.credentials), `${f.original[PATHS.credentials]}# added later\n`);
    const resumed = one(f.root, removals(f)[0]!);
    expect(resumed.status).toBe('changed');
    expect(f.read(PATHS.credentials)).toBe(`${expectedAfter(f)[PATHS.credentials]}# added later\n`);
    expect(readFileSync(backupOf(f.root, PATHS.credentials), 'utf8')).toBe(f.original[PATHS.credentials]);
  });

  it('removes only the profile holding the key, and follows a link within the root', () => {
    const f = fixture();
    const host = new HostRoot(f.root).symlink('/home/bob/.aws/credentials', '/srv/shared/aws-credentials');
    host.file('/srv/shared/aws-credentials', `[default]\naws_access_key_id = ${f.k.aliceDeploy.id}\naws_secret_access_key = ${f.k.aliceDeploy.secret}\n`);
    expect(one(f.root, { op: 'remove-credential', location: file('/home/bob/.aws/credentials', 'aws-credentials'), accessKeyId: f.k.aliceDeploy.id, backupId }).status).toBe('changed');
    expect(f.read('/srv/shared/aws-credentials')).toBe('[default]\n');
    // the link stays a link (to a path that means something only within the root)
    expect(lstatSync(join(f.root, '/home/bob/.aws/credentials')).isSymbolicLink()).toBe(true);
    // alice's file, which holds the same key under [deploy], was not asked about
    expect(f.read(PATHS.credentials)).toBe(f.original[PATHS.credentials]);
  });

  it('leaves JSON, YAML and forms it does not know to a person, with nothing changed', () => {
    const f = fixture();
    const k = key();
    secrets.push(k.secret);
    const cron = `0 3 * * * AWS_ACCESS_KEY_ID=${k.id} AWS_SECRET_ACCESS_KEY=${k.secret} /usr/local/bin/backup.sh\n`;
    new HostRoot(f.root).file('/etc/app/config.json', JSON.stringify({ accessKeyId: k.id, secretAccessKey: k.secret })).file('/etc/default/backup', cron);
    const json = one(f.root, { op: 'remove-credential', location: file('/etc/app/config.json', 'json'), accessKeyId: k.id, backupId });
    expect(json).toMatchObject({ status: 'failed', message: expect.stringContaining('needs a person') });
    const shell = one(f.root, { op: 'remove-credential', location: file('/etc/default/backup', 'env'), accessKeyId: k.id, backupId });
    expect(shell).toMatchObject({ status: 'failed', message: expect.stringMatching(/needs a person: .* line 1 of \/etc\/default\/backup/) });
    expect(f.read('/etc/default/backup')).toBe(cron);
    expect(existsSync(backupOf(f.root, '/etc/default/backup'))).toBe(false);
  });

  it('stops at the first failure and says so', () => {
    const f = fixture();
    const ops: HostOp[] = [{ op: 'remove-credential', location: file('/etc/nowhere', 'env'), accessKeyId: f.k.app.id, backupId }, removals(f)[0]!];
    const { results, status } = payload(f.root, ops);
    expect(status).toBe(1);
    expect(results).toEqual([{ op: 'remove-credential', status: 'failed', message: '/etc/nowhere: missing' }]);
    expect(f.read(PATHS.credentials)).toBe(f.original[PATHS.credentials]);
  });
});

describe('tools with their own keys', () => {
  it('clears s3cmd and rclone keys (rclone then takes the role from its environment) and removes boto’s', () => {
    const f = fixture();
    const [s3cmd, rclone, boto] = [key(), key(), key()];
    secrets.push(s3cmd.secret, rclone.secret, boto.secret);
    new HostRoot(f.root)
      .file('/home/alice/.s3cfg', `[default]\naccess_key = ${s3cmd.id}\nsecret_key = ${s3cmd.secret}\nhost_base = s3.amazonaws.com\n`, { mode: 0o600 })
      .file('/home/alice/.config/rclone/rclone.conf', `[s3remote]\ntype = s3\nenv_auth = false\naccess_key_id = ${rclone.id}\nsecret_access_key = ${rclone.secret}\n\n[local]\ntype = local\n`)
      .file('/home/alice/.boto', `[Credentials]\naws_access_key_id = ${boto.id}\naws_secret_access_key = ${boto.secret}\n[Boto]\ndebug = 0\n`);
    const { results } = payload(f.root, [
      { op: 'update-tool-config', location: file('/home/alice/.s3cfg', 'ini'), tool: 's3cmd', accessKeyId: s3cmd.id, backupId },
      { op: 'update-tool-config', location: file('/home/alice/.config/rclone/rclone.conf', 'ini'), tool: 'rclone', accessKeyId: rclone.id, backupId },
      { op: 'update-tool-config', location: file('/home/alice/.boto', 'ini'), tool: 'boto', accessKeyId: boto.id, backupId },
    ]);
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'changed']);
    expect(f.read('/home/alice/.s3cfg')).toBe('[default]\naccess_key =\nsecret_key =\nhost_base = s3.amazonaws.com\n');
    expect(f.read('/home/alice/.config/rclone/rclone.conf')).toBe('[s3remote]\nenv_auth = true\ntype = s3\naccess_key_id =\nsecret_access_key =\n\n[local]\ntype = local\n');
    expect(f.read('/home/alice/.boto')).toBe('[Credentials]\n[Boto]\ndebug = 0\n');
  });
});

describe('restart', () => {
  it('on a fixture root, asks for the restart instead of making it', () => {
    const f = fixture();
    const { results } = payload(f.root, [
      { op: 'restart', manager: 'systemd', unit: 'app.service' },
      { op: 'restart', manager: 'compose', unit: 'web', file: PATHS.dotEnv },
      { op: 'restart', manager: 'docker', unit: 'legacy-worker' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'changed']);
    expect(f.read('/run/keyshift/restart-requests')).toBe('systemd app.service\ncompose /srv/shop/docker-compose.yml web\ndocker legacy-worker\n');
  });

  it('refuses a unit the host does not have, and a compose service whose file is unknown', () => {
    const f = fixture();
    expect(one(f.root, { op: 'restart', manager: 'systemd', unit: 'nothing' })).toMatchObject({ status: 'failed', message: 'no systemd unit nothing.service' });
    expect(one(f.root, { op: 'restart', manager: 'compose', unit: 'web' })).toMatchObject({ status: 'failed', message: expect.stringContaining('needs a person') });
    expect(existsSync(join(f.root, 'run/keyshift/restart-requests'))).toBe(false);
  });
});

describe('restore and delete-backup', () => {
  it('puts every file back byte for byte, with its mode, and removes backups for good', () => {
    const f = fixture();
    payload(f.root, removals(f));
    const paths = Object.keys(expectedAfter(f));
    const restored = payload(
      f.root,
      paths.map((path) => ({ op: 'restore', path, backupId })),
    );
    expect(restored.results.map((r) => r.status)).toEqual(paths.map(() => 'changed'));
    for (const path of paths) expect(f.read(path), path).toBe(f.original[path]);
    expect(modeOf(join(f.root, PATHS.credentials))).toBe(0o600);
    expect(modeOf(join(f.root, PATHS.workerEnv))).toBe(0o640);
    expect(one(f.root, { op: 'backup-state', path: PATHS.credentials, backupId })).toMatchObject({ state: 'same' });
    expect(one(f.root, { op: 'restore', path: PATHS.credentials, backupId }).status).toBe('unchanged');

    // a file deleted since comes back with the original's mode
    payload(f.root, [removals(f)[2]!]);
    const real = join(f.root, PATHS.workerEnv);
    writeFileSync(real, 'x');
    expect(one(f.root, { op: 'backup-state', path: PATHS.workerEnv, backupId })).toMatchObject({ state: 'differs' });
    spawnSync('rm', [real]);
    expect(one(f.root, { op: 'backup-state', path: PATHS.workerEnv, backupId })).toMatchObject({ state: 'missing-file' });
    expect(one(f.root, { op: 'restore', path: PATHS.workerEnv, backupId }).status).toBe('changed');
    expect(f.read(PATHS.workerEnv)).toBe(f.original[PATHS.workerEnv]);
    expect(modeOf(real)).toBe(0o640);

    expect(one(f.root, { op: 'delete-backup', path: PATHS.credentials, backupId }).status).toBe('changed');
    expect(existsSync(backupOf(f.root, PATHS.credentials))).toBe(false);
    expect(existsSync(join(f.root, 'var/lib/keyshift/backups', backupId, 'home'))).toBe(false);
    expect(one(f.root, { op: 'delete-backup', path: PATHS.credentials, backupId }).status).toBe('unchanged');
    expect(one(f.root, { op: 'backup-state', path: PATHS.credentials, backupId })).toMatchObject({ state: 'none' });
    expect(one(f.root, { op: 'restore', path: PATHS.credentials, backupId })).toMatchObject({ status: 'failed', message: expect.stringContaining('no backup') });
  });

  it('says whether a file still holds a key', () => {
    const f = fixture();
    expect(one(f.root, { op: 'holds-key', path: PATHS.dotEnv, accessKeyId: f.k.shop.id })).toMatchObject({ status: 'unchanged', state: 'holds' });
    payload(f.root, [removals(f)[3]!]);
    expect(one(f.root, { op: 'holds-key', path: PATHS.dotEnv, accessKeyId: f.k.shop.id })).toMatchObject({ status: 'unchanged', state: 'gone' });
    expect(one(f.root, { op: 'holds-key', path: '/srv/gone/.env', accessKeyId: f.k.shop.id })).toMatchObject({ status: 'unchanged', state: 'missing' });
  });
});

describe('check-identity', () => {
  const check = (extra: Partial<Extract<HostOp, { op: 'check-identity' }>> = {}): HostOp => ({ op: 'check-identity', expectRoleName: ROLE, ...extra });

  it('resolves the static key while one is left, and the instance role from IMDSv2 once none is', async () => {
    const f = fixture();
    roleOf = (id) => (id === INSTANCE ? ROLE : null);
    const local = new LocalHostExecutor({ rootFor: () => f.root, imdsEndpointFor: (t) => imds.endpointFor(t.instanceId!) });
    const identities = async () =>
      (
        await Promise.all([
          local.run(TARGET, [check({ service: { manager: 'systemd', unit: 'app' } })], new AbortController().signal),
          local.run(TARGET, [check({ service: { manager: 'systemd', unit: 'worker.service' } })], new AbortController().signal),
          local.run(TARGET, [check({ service: { manager: 'compose', unit: 'web', file: PATHS.dotEnv } })], new AbortController().signal),
          local.run(TARGET, [check({ service: { manager: 'compose', unit: 'api', file: PATHS.compose } })], new AbortController().signal),
          local.run(TARGET, [check({ user: 'alice' })], new AbortController().signal),
        ])
      ).map(([r]) => {
        printed.push(JSON.stringify(r));
        return `${r!.status} ${r!.identity}`;
      });

    expect(await identities()).toEqual([
      `failed static:${f.k.app.id}`,
      `failed static:${f.k.worker.id}`,
      `failed static:${f.k.shop.id}`,
      `failed static:${f.k.api.id}`,
      `failed static:${f.k.aliceDefault.id}`,
    ]);

    payload(f.root, removals(f));
    // app runs as alice with AWS_PROFILE=deploy: the profile's key is next in its chain
    const [app] = await local.run(TARGET, [check({ service: { manager: 'systemd', unit: 'app' } })], new AbortController().signal);
    expect(app).toMatchObject({ status: 'failed', identity: `static:${f.k.aliceDeploy.id}`, message: expect.stringContaining('profile deploy') });

    payload(f.root, [{ op: 'remove-credential', location: file(PATHS.credentials, 'aws-credentials', 'deploy'), accessKeyId: f.k.aliceDeploy.id, backupId: 'second' }]);
    expect(await identities()).toEqual(Array.from({ length: 5 }, () => `unchanged role:${ROLE}`));

    // the wrong role, or an instance without one, is a failure
    expect((await local.run(TARGET, [{ op: 'check-identity', expectRoleName: 'other-role' }], new AbortController().signal))[0]).toMatchObject({ status: 'failed', identity: `role:${ROLE}` });
    roleOf = () => null;
    expect((await local.run(TARGET, [check()], new AbortController().signal))[0]).toMatchObject({ status: 'failed', identity: 'none' });
  });

  it('follows the profile a user names, and AWS_EC2_METADATA_DISABLED', () => {
    const f = fixture();
    roleOf = () => ROLE;
    const endpoint = imds.endpointFor(INSTANCE);
    expect(one(f.root, check({ user: 'alice', profile: 'deploy' }), endpoint)).toMatchObject({ identity: `static:${f.k.aliceDeploy.id}` });
    new HostRoot(f.root).file('/etc/environment', 'AWS_EC2_METADATA_DISABLED=true\n');
    payload(f.root, [removals(f)[0]!]);
    expect(one(f.root, check({ user: 'alice' }), endpoint)).toMatchObject({ status: 'failed', identity: 'none', message: expect.stringContaining('AWS_EC2_METADATA_DISABLED') });
  });
});

describe('the local executor', () => {
  it('stops the payload when the run is interrupted', async () => {
    const f = fixture();
    const controller = new AbortController();
    controller.abort();
    const local = new LocalHostExecutor({ rootFor: () => f.root });
    await expect(local.run(TARGET, removals(f), controller.signal)).rejects.toThrow(/interrupted/);
    expect(f.read(PATHS.credentials)).toBe(f.original[PATHS.credentials]);
  });
});

describe('what the payload prints', () => {
  it('refuses malformed ops with exit 2', () => {
    const f = fixture();
    const run = spawnSync('sh', [cutoverPayload().path, '--root', f.root, 'remove-credential', 'relative/path', 'env', f.k.app.id, backupId], { encoding: 'utf8' });
    printed.push(run.stdout, run.stderr);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ op: 'remove-credential', status: 'failed', message: expect.stringContaining('malformed op') });
  });

  it('never holds a secret, in any test of this file', () => {
    // runs last in the file: every payload run above added its stdout and stderr
    expect(printed.length).toBeGreaterThan(20);
    const all = printed.join('\n');
    for (const secret of secrets) for (const piece of secretPieces(secret)) expect(all.includes(piece), `a piece of a secret was printed`).toBe(false);
  });
});
