// Builds the benchmark corpus: a git repository (never committed) at bench/corpus/<size>
// whose history is successive released versions of a few real npm packages, one commit
// per version bump, with synthetic AWS keys planted at known commits. The planted keys
// are written to bench/corpus/<size>.planted.json.
//
//   node --experimental-strip-types bench/build-corpus.ts [small|large]...   (default: both)
//
// Deterministic: fixed version lists, fixed commit dates and author, seeded key generator,
// so the same size always yields the same commit IDs (given the same git version).
// Tarballs are fetched with `npm pack` once and cached in bench/.work/tarballs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const tarballDir = join(benchDir, '.work', 'tarballs');
const corpusRoot = join(benchDir, 'corpus');

// One "round" bumps every package to its next version (one commit each). small takes
// the first 2 rounds, large the first 13: about 4x the unique blob bytes (the first round
// costs the most, as it imports every file once).
const ROUNDS: Record<string, number> = { small: 2, large: 13 };
const range = (prefix: string, from: number, step: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${from + i * step}.0`);
const PACKAGES: Record<string, string[]> = {
  // AWS SDK v2: its docs, typings and tests carry AWS's documented example keys
  // (AKIAIOSFODNN7EXAMPLE, ...), which must not be reported.
  'aws-sdk': range('2.', 1615, 5, 16),
  typescript: ['4.4.4', '4.5.5', '4.6.4', '4.7.4', '4.8.4', '4.9.5', '5.0.4', '5.1.6',
    '5.2.2', '5.3.3', '5.4.5', '5.5.4', '5.6.3', '5.7.3', '5.8.3', '5.9.3'],
  eslint: range('9.', 20, 1, 16),
  webpack: range('5.', 94, 1, 16),
  rxjs: ['6.5.0', '6.5.5', '6.6.0', '6.6.3', '6.6.7', '7.0.0', '7.1.0', '7.2.0', '7.3.0',
    '7.4.0', '7.5.0', '7.5.5', '7.5.7', '7.6.0', '7.7.0', '7.8.1'],
};

// ---- synthetic keys (seeded, so every build plants the same ones) ----
let seed = 0x6b657973; // "keys"
function rand(): number { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (alphabet: string, n: number): string =>
  Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function keyId(prefix: 'AKIA' | 'ASIA'): string {
  for (;;) { // a real-looking ID: never ends in EXAMPLE
    const id = prefix + pick(BASE32, 16);
    if (!id.endsWith('EXAMPLE')) return id;
  }
}
function secret(): string {
  for (;;) { // mixed case and digits, like a real secret access key
    const s = pick(SECRET_ALPHABET, 40);
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

interface Planted {
  id: string; // short name of the plant
  keyId: string;
  secret: boolean; // whether a secret access key sits next to the key ID
  path: string;
  form: string;
  commit: string; // commit that introduced it
  ref: string; // a ref it is reachable from
  removedIn: string | null; // commit that removed it, if any
  atHead: boolean; // still present in HEAD's tree
}

// ---- git helpers ----
let repo = '';
let clock = Date.UTC(2021, 0, 4, 9, 0, 0); // one commit per day from 2021-01-04
function git(args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: repo, input, encoding: 'utf8', maxBuffer: 1 << 30,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
  }).trim();
}
function commit(message: string): string {
  const date = new Date(clock).toISOString();
  clock += 86_400_000;
  execFileSync('git', ['commit', '-q', '--no-verify', '-m', message], {
    cwd: repo, stdio: 'inherit',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dana Vendor', GIT_AUTHOR_EMAIL: 'dana@corp.example', GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Dana Vendor', GIT_COMMITTER_EMAIL: 'dana@corp.example', GIT_COMMITTER_DATE: date,
    },
  });
  return git(['rev-parse', 'HEAD']);
}
function writeFile(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
  git(['add', '--', path]);
}

function tarball(name: string, version: string): string {
  const file = join(tarballDir, `${name}-${version}.tgz`);
  if (!existsSync(file)) {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', tarballDir, `${name}@${version}`],
      { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return file;
}

function importVersion(name: string, version: string): string {
  const dir = join(repo, 'packages', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['xzf', tarball(name, version), '--strip-components=1', '--no-same-owner', '-C', dir]);
  git(['add', '-A', '--', `packages/${name}`]);
  return commit(`chore(deps): vendor ${name} ${version}`);
}

// ---- the plants: what each one writes, and when (as a fraction of the version bumps) ----
function build(size: string): void {
  const rounds = ROUNDS[size];
  if (rounds === undefined) throw new Error(`unknown size ${size} (small|large)`);
  seed = 0x6b657973;
  clock = Date.UTC(2021, 0, 4, 9, 0, 0);
  repo = join(corpusRoot, size);
  const started = Date.now();
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'gc.auto', '0']);
  git(['config', 'core.looseCompression', '1']);

  const k = {
    credentials: { id: keyId('AKIA'), secret: secret() },
    env: { id: keyId('AKIA'), secret: secret() },
    js: { id: keyId('AKIA'), secret: secret() },
    yaml: { id: keyId('AKIA'), secret: secret() },
    vendored: { id: keyId('AKIA'), secret: secret() },
    session: { id: keyId('ASIA'), secret: secret(), token: pick(SECRET_ALPHABET, 300) },
    branch: { id: keyId('AKIA'), secret: secret() },
    tag: { id: keyId('AKIA'), secret: secret() },
    docOnly: { id: keyId('AKIA') },
  };
  const planted: Planted[] = [];
  const plant = (p: Omit<Planted, 'commit' | 'ref' | 'removedIn' | 'atHead'>, commitId: string, ref = 'refs/heads/main'): Planted => {
    const entry: Planted = { ...p, commit: commitId, ref, removedIn: null, atHead: ref === 'refs/heads/main' };
    planted.push(entry);
    return entry;
  };
  const byId = (id: string): Planted => {
    const p = planted.find((x) => x.id === id);
    if (!p) throw new Error(`no plant ${id}`);
    return p;
  };

  writeFile('README.md', '# platform-vendor\n\nVendored third-party packages for the platform build.\n');
  commit('Initial commit');

  const steps: [string, string][] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [name, versions] of Object.entries(PACKAGES)) {
      const v = versions[r];
      if (v !== undefined) steps.push([name, v]);
    }
  }
  const at = (fraction: number): number => Math.max(1, Math.round(fraction * steps.length));
  const events = new Map<number, (() => void)[]>();
  const on = (fraction: number, fn: () => void): void => {
    const i = at(fraction);
    events.set(i, [...(events.get(i) ?? []), fn]);
  };

  on(0.1, () => {
    writeFile('deploy/aws/credentials', `[default]\naws_access_key_id = ${k.credentials.id}\naws_secret_access_key = ${k.credentials.secret}\nregion = eu-west-1\n`);
    plant({ id: 'ini-credentials', keyId: k.credentials.id, secret: true, path: 'deploy/aws/credentials', form: 'ini (~/.aws/credentials)' }, commit('deploy: add AWS profile for the release job'));
  });
  on(0.2, () => {
    writeFile('.env', `NODE_ENV=production\nPORT=8080\nAWS_REGION=us-east-1\nAWS_ACCESS_KEY_ID=${k.env.id}\nAWS_SECRET_ACCESS_KEY=${k.env.secret}\n`);
    plant({ id: 'dotenv', keyId: k.env.id, secret: true, path: '.env', form: '.env' }, commit('add .env for local runs'));
  });
  on(0.3, () => {
    writeFile('services/uploader/src/s3.js', [
      "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';", '',
      'const client = new S3Client({',
      "  region: 'us-east-1',",
      '  credentials: {',
      `    accessKeyId: '${k.js.id}',`,
      `    secretAccessKey: '${k.js.secret}',`,
      '  },',
      '});', '',
      'export async function upload(bucket, key, body) {',
      '  return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));',
      '}', ''].join('\n'));
    plant({ id: 'js-source', keyId: k.js.id, secret: true, path: 'services/uploader/src/s3.js', form: 'JS source (credentials object)' }, commit('uploader: S3 upload helper'));
  });
  on(0.35, () => {
    // Someone patches a vendored file; the next import of that package overwrites it.
    const path = 'packages/aws-sdk/lib/config.js';
    const file = join(repo, path);
    writeFileSync(file, `// local patch: hard-coded credentials for the demo\nvar DEMO_ACCESS_KEY_ID = "${k.vendored.id}";\nvar DEMO_SECRET_ACCESS_KEY = "${k.vendored.secret}";\n` +
      execFileSync('git', ['show', `HEAD:${path}`], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 }));
    git(['add', '--', path]);
    plant({ id: 'vendored-patch', keyId: k.vendored.id, secret: true, path, form: 'JS source inside a vendored package (overwritten by the next import)' }, commit('aws-sdk: local demo patch'));
  });
  on(0.4, () => {
    writeFile('config/deploy.yml', `service: uploader\nprovider:\n  name: aws\n  region: eu-central-1\naws:\n  access_key_id: ${k.yaml.id}\n  secret_access_key: "${k.yaml.secret}"\nfunctions:\n  upload:\n    handler: src/s3.upload\n`);
    plant({ id: 'yaml', keyId: k.yaml.id, secret: true, path: 'config/deploy.yml', form: 'YAML' }, commit('config: deploy settings'));
  });
  on(0.5, () => {
    git(['rm', '-q', '--', 'deploy/aws/credentials']);
    byId('ini-credentials').removedIn = commit('deploy: remove AWS profile (use the instance role)');
    byId('ini-credentials').atHead = false;
    // A side branch that is never merged.
    git(['checkout', '-q', '-b', 'ci-experiment']);
    writeFile('.github/workflows/deploy.yml', `name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AWS_ACCESS_KEY_ID: ${k.branch.id}\n      AWS_SECRET_ACCESS_KEY: ${k.branch.secret}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run deploy\n`);
    plant({ id: 'side-branch', keyId: k.branch.id, secret: true, path: '.github/workflows/deploy.yml', form: 'YAML (GitHub Actions env) on an unmerged branch' }, commit('ci: try deploying from Actions'), 'refs/heads/ci-experiment');
    git(['checkout', '-q', 'main']);
  });
  on(0.6, () => {
    writeFile('test/fixtures/sts-session.json', JSON.stringify({ Credentials: {
      AccessKeyId: k.session.id, SecretAccessKey: k.session.secret, SessionToken: k.session.token,
      Expiration: '2021-06-01T12:00:00Z' } }, null, 2) + '\n');
    plant({ id: 'json-session', keyId: k.session.id, secret: true, path: 'test/fixtures/sts-session.json', form: 'JSON (temporary ASIA credentials)' }, commit('test: STS session fixture'));
  });
  on(0.7, () => {
    writeFile('services/uploader/src/s3.js', [
      "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';", '',
      "const client = new S3Client({ region: 'us-east-1' });", '',
      'export async function upload(bucket, key, body) {',
      '  return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));',
      '}', ''].join('\n'));
    byId('js-source').removedIn = commit('uploader: use the default credential chain');
    byId('js-source').atHead = false;
  });
  on(0.8, () => {
    // A commit reachable only from an annotated tag.
    git(['checkout', '-q', '--detach']);
    writeFile('scripts/backup.sh', `#!/bin/sh\nset -e\nexport AWS_ACCESS_KEY_ID=${k.tag.id}\nexport AWS_SECRET_ACCESS_KEY=${k.tag.secret}\naws s3 sync /var/backups s3://corp-backups/\n`);
    const c = commit('backup script for the 2021 migration');
    execFileSync('git', ['tag', '-a', 'backup-2021', '-m', 'backup snapshot', c], {
      cwd: repo, env: { ...process.env, GIT_COMMITTER_NAME: 'Dana Vendor', GIT_COMMITTER_EMAIL: 'dana@corp.example', GIT_COMMITTER_DATE: new Date(clock).toISOString() } });
    plant({ id: 'tag-only', keyId: k.tag.id, secret: true, path: 'scripts/backup.sh', form: 'shell exports, reachable only from tag backup-2021' }, c, 'refs/tags/backup-2021');
    git(['checkout', '-q', 'main']);
  });
  on(0.9, () => {
    writeFile('docs/runbook.md', `# Runbook\n\n## Key rotation\n\nThe CI user still has one access key, ${k.docOnly.id}; rotate it every 90 days\nand move the job to the instance role.\n`);
    plant({ id: 'doc-key-id-only', keyId: k.docOnly.id, secret: false, path: 'docs/runbook.md', form: 'Markdown, key ID alone (no secret)' }, commit('docs: runbook'));
  });

  steps.forEach(([name, version], i) => {
    process.stderr.write(`\r[${size}] ${i + 1}/${steps.length} ${name}@${version}          `);
    importVersion(name, version);
    for (const fn of events.get(i + 1) ?? []) fn();
  });
  process.stderr.write('\n');
  // The vendored patch is overwritten by the next aws-sdk import, so it is not at HEAD.
  const vendored = byId('vendored-patch');
  vendored.atHead = false;
  vendored.removedIn = git(['rev-list', '--reverse', '--ancestry-path', `${vendored.commit}..main`, '--', vendored.path]).split('\n')[0] ?? null;

  const committed = Date.now();
  process.stderr.write(`[${size}] packing...\n`);
  git(['repack', '-a', '-d', '-q']);
  git(['prune-packed']);
  const packed = Date.now();

  // Corpus facts: unique blobs and their bytes across the whole history.
  const objects = git(['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize) %(objectsize:disk)']).split('\n');
  let blobs = 0, blobBytes = 0, diskBytes = 0;
  for (const line of objects) {
    const [type, size, disk] = line.split(' ');
    if (type === 'blob') { blobs++; blobBytes += Number(size); }
    diskBytes += Number(disk);
  }
  const treeBytes = Number(git(['ls-tree', '-r', '-l', 'HEAD']).split('\n')
    .reduce((sum, l) => sum + (Number(l.split(/\s+/)[3]) || 0), 0));
  const facts = {
    size, commits: Number(git(['rev-list', '--all', '--count'])),
    uniqueBlobs: blobs, uniqueBlobBytes: blobBytes, packBytes: diskBytes,
    headFiles: git(['ls-files']).split('\n').length, headBytes: treeBytes,
    versions: steps.map(([n, v]) => `${n}@${v}`),
    buildSeconds: { commits: (committed - started) / 1000, repack: (packed - committed) / 1000 },
  };
  writeFileSync(join(corpusRoot, `${size}.planted.json`), JSON.stringify({ ...facts, planted }, null, 2) + '\n');
  const mb = (n: number): string => (n / 1048576).toFixed(0) + ' MiB';
  console.log(`[${size}] ${facts.commits} commits, ${blobs} unique blobs, ${mb(blobBytes)} of blob content (${mb(diskBytes)} packed); ` +
    `HEAD tree ${facts.headFiles} files, ${mb(treeBytes)}; ${planted.length} planted keys; ` +
    `built in ${facts.buildSeconds.commits.toFixed(0)} s + ${facts.buildSeconds.repack.toFixed(0)} s repack`);
}

// Fetch the tarballs a size needs that are not cached yet, a few per `npm pack` call.
function prefetch(size: string): void {
  const rounds = ROUNDS[size] ?? 0;
  const missing = Object.entries(PACKAGES).flatMap(([name, versions]) => versions.slice(0, rounds)
    .filter((v) => !existsSync(join(tarballDir, `${name}-${v}.tgz`))).map((v) => `${name}@${v}`));
  for (let i = 0; i < missing.length; i += 8) {
    process.stderr.write(`fetching ${missing.slice(i, i + 8).join(' ')}\n`);
    execFileSync('npm', ['pack', '--silent', '--pack-destination', tarballDir, ...missing.slice(i, i + 8)],
      { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

const sizes = process.argv.slice(2);
mkdirSync(tarballDir, { recursive: true });
for (const size of sizes.length > 0 ? sizes : ['small', 'large']) prefetch(size);
for (const size of sizes.length > 0 ? sizes : ['small', 'large']) build(size);
