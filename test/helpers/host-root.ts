// Root filesystems for the host scanner, built in temporary directories: files with modes
// and owners, symlinks, and a fake proc/ whose processes have an environ, a cmdline and a
// status. `fixtureHost()` builds one host with a key in every place `scan host` looks,
// each key freshly generated (never real), and says where each one is.
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { secretFingerprint } from '../../src/detect/index.js';
import { fakeKeyId, fakeSecret } from './fake-keys.js';
import { makeTempDir } from './git-repo.js';

/** Whether files can be given to other users (the tests run as root in CI containers). */
export const CAN_CHOWN = process.getuid?.() === 0;

export class HostRoot {
  readonly root: string;

  constructor(root = makeTempDir('keyshift-host-')) {
    this.root = root;
  }

  /** A file at a path within the root, with a mode and, when the tests may, an owner. */
  file(path: string, content: string | Buffer, options: { mode?: number; uid?: number } = {}): this {
    const real = join(this.root, path);
    mkdirSync(dirname(real), { recursive: true });
    writeFileSync(real, content);
    chmodSync(real, options.mode ?? 0o644);
    if (options.uid !== undefined && CAN_CHOWN) chownSync(real, options.uid, options.uid);
    return this;
  }

  symlink(path: string, target: string): this {
    const real = join(this.root, path);
    mkdirSync(dirname(real), { recursive: true });
    symlinkSync(target, real);
    return this;
  }

  dir(path: string): this {
    mkdirSync(join(this.root, path), { recursive: true });
    return this;
  }

  /** /etc/passwd with these users (root first, as on every system). */
  passwd(users: readonly { name: string; uid: number; home: string }[]): this {
    const lines = users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::${u.home}:/bin/sh`);
    return this.file('/etc/passwd', `${lines.join('\n')}\n`);
  }

  /** A process under proc/: environ and cmdline NUL-separated, as the kernel writes them. */
  process(pid: number, p: { name: string; uid: number; environ?: readonly string[]; cmdline?: readonly string[] }): this {
    this.file(`/proc/${pid}/status`, `Name:\t${p.name}\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\n`, { mode: 0o444 });
    if (p.environ) this.file(`/proc/${pid}/environ`, p.environ.map((e) => `${e}\0`).join(''), { mode: 0o400 });
    if (p.cmdline) this.file(`/proc/${pid}/cmdline`, p.cmdline.map((a) => `${a}\0`).join(''), { mode: 0o444 });
    return this;
  }
}

/** A generated key pair and its secret's fingerprint. */
export interface FixtureKey {
  id: string;
  secret: string;
  fp: string;
}

function key(): FixtureKey {
  const secret = fakeSecret();
  return { id: fakeKeyId(), secret, fp: secretFingerprint(secret) };
}

export const ALICE = 1000;
export const BOB = 1001;

/** The owner name a file given to `uid` shows in findings: its name when it could be given away. */
export function ownerName(uid: number, names: Readonly<Record<number, string>> = { 0: 'root', [ALICE]: 'alice', [BOB]: 'bob' }): string {
  const actual = CAN_CHOWN ? uid : process.getuid!();
  return names[actual] ?? String(actual);
}

export interface FixtureHost {
  root: string;
  /** a directory outside the root with a key the scan must never read */
  outside: string;
  keys: Record<
    | 'aliceDefault'
    | 'aliceDeploy'
    | 'bobShared'
    | 'outside'
    | 'defaultBackup'
    | 'appDropIn'
    | 'worker'
    | 'masked'
    | 'composeWeb'
    | 'composeWorker'
    | 'cron'
    | 'jvm'
    | 'daemon'
    | 's3cmd'
    | 'boto'
    | 's3fsBucket'
    | 's3fsHome'
    | 'rclone',
    FixtureKey
  >;
}

/** One host with a key in every place the scanner looks. See the test for where each lands. */
export function fixtureHost(): FixtureHost {
  const k = {
    aliceDefault: key(),
    aliceDeploy: key(),
    bobShared: key(),
    outside: key(),
    defaultBackup: key(),
    appDropIn: key(),
    worker: key(),
    masked: key(),
    composeWeb: key(),
    composeWorker: key(),
    cron: key(),
    jvm: key(),
    daemon: key(),
    s3cmd: key(),
    boto: key(),
    s3fsBucket: key(),
    s3fsHome: key(),
    rclone: key(),
  };
  const outside = makeTempDir('keyshift-outside-');
  writeFileSync(join(outside, 'credentials'), `[default]\naws_access_key_id = ${k.outside.id}\naws_secret_access_key = ${k.outside.secret}\n`);

  const host = new HostRoot()
    .passwd([
      { name: 'root', uid: 0, home: '/root' },
      { name: 'alice', uid: ALICE, home: '/home/alice' },
      { name: 'bob', uid: BOB, home: '/home/bob' },
      { name: 'nobody', uid: 65534, home: '/nonexistent' },
    ])
    // ~/.aws of every user
    .file(
      '/home/alice/.aws/credentials',
      [
        '[default]',
        `aws_access_key_id = ${k.aliceDefault.id}`,
        `aws_secret_access_key = ${k.aliceDefault.secret}`,
        '',
        '[deploy]',
        `aws_access_key_id = ${k.aliceDeploy.id}`,
        `aws_secret_access_key = ${k.aliceDeploy.secret}`,
        '',
      ].join('\n'),
      { mode: 0o600, uid: ALICE },
    )
    .file(
      '/home/alice/.aws/config',
      [
        '[default]',
        'region = eu-west-1',
        '',
        '[profile ci]',
        'role_arn = arn:aws:iam::123456789012:role/ci',
        'source_profile = deploy',
        '',
        '[profile vault]',
        'credential_process = /usr/local/bin/vault-aws --role app',
        '',
        '[profile instance]',
        'role_arn = arn:aws:iam::123456789012:role/app',
        'credential_source = Ec2InstanceMetadata',
        '',
      ].join('\n'),
      { mode: 0o644, uid: ALICE },
    )
    // bob's credentials are a link to a file elsewhere in the root (absolute, as the host sees it)
    .symlink('/home/bob/.aws/credentials', '/srv/shared/aws-credentials')
    .file('/srv/shared/aws-credentials', `[default]\naws_access_key_id=${k.bobShared.id}\naws_secret_access_key=${k.bobShared.secret}\n`, { mode: 0o640, uid: BOB })
    // root's is a link to an absolute path that exists only on the scanning machine
    .symlink('/root/.aws/credentials', join(outside, 'credentials'))
    // system environment
    .file('/etc/environment', 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\nAWS_EC2_METADATA_DISABLED=true\n')
    .file('/etc/default/backup', `# backup job\nAWS_ACCESS_KEY_ID=${k.defaultBackup.id}\nexport AWS_SECRET_ACCESS_KEY="${k.defaultBackup.secret}"\n`)
    .file('/etc/default/broken', Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x0a]))
    // systemd: a unit with a drop-in and an EnvironmentFile, one with AWS_SHARED_CREDENTIALS_FILE, a masked one
    .file(
      '/etc/systemd/system/app.service',
      [
        '[Unit]',
        'Description=The app',
        '',
        '[Service]',
        'User=alice',
        'Environment="AWS_PROFILE=deploy" "LOG_LEVEL=info"',
        'EnvironmentFile=-/etc/app/secrets.env',
        'EnvironmentFile=-/etc/app/missing.env',
        'ExecStart=/usr/bin/app',
        '',
      ].join('\n'),
    )
    .file('/etc/systemd/system/app.service.d/10-key.conf', `[Service]\nEnvironment=AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=${k.appDropIn.id}\n`)
    .file('/etc/app/secrets.env', `AWS_SECRET_ACCESS_KEY='${k.appDropIn.secret}'\n`, { mode: 0o640 })
    .file('/lib/systemd/system/worker.service', '[Service]\nEnvironment=AWS_SHARED_CREDENTIALS_FILE=/etc/worker/credentials\nExecStart=/usr/bin/worker\n')
    .file('/etc/worker/credentials', `[default]\naws_access_key_id = ${k.worker.id}\naws_secret_access_key = ${k.worker.secret}\n`, { mode: 0o600 })
    .symlink('/etc/systemd/system/old.service', '/dev/null')
    .file('/lib/systemd/system/old.service', `[Service]\nEnvironment="AWS_ACCESS_KEY_ID=${k.masked.id}"\n`)
    .symlink('/etc/systemd/system/multi-user.target.wants/app.service', '/etc/systemd/system/app.service')
    // a compose project: map and list environments, an anchor merge, env_file, .env interpolation
    .file(
      '/srv/shop/docker-compose.yml',
      [
        'x-region: &region',
        '  AWS_DEFAULT_REGION: eu-west-1',
        '',
        'services:',
        '  web:',
        '    image: shop/web',
        '    environment:',
        '      <<: *region',
        `      AWS_ACCESS_KEY_ID: ${k.composeWeb.id}`,
        `      AWS_SECRET_ACCESS_KEY: "${k.composeWeb.secret}" # the key`,
        '  worker:',
        '    image: shop/worker',
        '    env_file:',
        '      - ./worker.env',
        '    environment:',
        '      - AWS_ACCESS_KEY_ID=${WORKER_KEY_ID}',
        '      - AWS_SECRET_ACCESS_KEY',
        '      - AWS_PROFILE=deploy',
        '',
      ].join('\n'),
    )
    .file('/srv/shop/.env', `WORKER_KEY_ID=${k.composeWorker.id}\nAWS_SECRET_ACCESS_KEY=${k.composeWorker.secret}\n`, { mode: 0o600 })
    .file('/srv/shop/worker.env', 'AWS_EC2_METADATA_DISABLED=true\n')
    // crontabs
    .file('/var/spool/cron/crontabs/bob', `MAILTO=bob\n0 3 * * * AWS_ACCESS_KEY_ID=${k.cron.id} AWS_SECRET_ACCESS_KEY=${k.cron.secret} /usr/local/bin/backup.sh\n`, {
      mode: 0o600,
      uid: BOB,
    })
    .file('/etc/cron.d/report', 'AWS_PROFILE=deploy\n*/5 * * * * alice /usr/bin/report\n')
    // processes: a JVM with keys on its command line, a daemon with keys far apart in its environment, one closed
    .process(4242, {
      name: 'java',
      uid: ALICE,
      environ: ['PATH=/usr/bin', 'AWS_PROFILE=deploy'],
      cmdline: ['java', `-Daws.accessKeyId=${k.jvm.id}`, `-Daws.secretKey=${k.jvm.secret}`, '-jar', 'app.jar'],
    })
    .process(4243, {
      name: 'daemon',
      uid: 0,
      environ: [`AWS_ACCESS_KEY_ID=${k.daemon.id}`, ...Array.from({ length: 20 }, (_, i) => `VAR_${i}=value-${i}`), `AWS_SECRET_ACCESS_KEY=${k.daemon.secret}`],
      cmdline: ['/usr/sbin/daemon', '--foreground'],
    })
    .process(4244, { name: 'sshd', uid: 0, cmdline: ['sshd: bob'] })
    .dir('/proc/4244/environ') // unreadable as a file: stands in for EACCES on another user's process
    .file('/proc/cpuinfo', 'processor\t: 0\n')
    // tools with their own keys
    .file('/home/alice/.s3cfg', `[default]\naccess_key = ${k.s3cmd.id}\nsecret_key = ${k.s3cmd.secret}\nhost_base = s3.amazonaws.com\n`, { mode: 0o600, uid: ALICE })
    .file('/home/bob/.boto', `[Credentials]\naws_access_key_id = ${k.boto.id}\naws_secret_access_key = ${k.boto.secret}\n`, { mode: 0o600, uid: BOB })
    .file('/etc/passwd-s3fs', `media-bucket:${k.s3fsBucket.id}:${k.s3fsBucket.secret}\n`, { mode: 0o640 })
    .file('/home/alice/.passwd-s3fs', `${k.s3fsHome.id}:${k.s3fsHome.secret}\n`, { mode: 0o600, uid: ALICE })
    .file('/home/alice/.config/rclone/rclone.conf', `[s3remote]\ntype = s3\nprovider = AWS\naccess_key_id = ${k.rclone.id}\nsecret_access_key = ${k.rclone.secret}\n`, {
      mode: 0o600,
      uid: ALICE,
    });
  return { root: host.root, outside, keys: k };
}
