// The demo's sample: a small git repository with synthetic keys planted the ways real ones
// leak — committed then deleted, still at HEAD, on a side branch — next to the AWS
// documentation's example keys, which must not be reported.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fakeKeyId, fakeLegacyKeyId, fakeSecret } from './synthetic-credentials.js';

const run = promisify(execFile);

export interface PlantedKey {
  keyId: string;
  path: string;
  atHead: boolean;
  note: string;
}

export interface SampleRepo {
  dir: string;
  planted: PlantedKey[];
}

export async function buildSampleRepo(parent: string): Promise<SampleRepo> {
  const dir = await mkdtemp(join(parent, 'keyshift-demo-'));
  let clock = Date.parse('2026-01-05T09:00:00Z') / 1000;
  const git = async (...args: string[]) => {
    const date = `${clock} +0000`;
    await run('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Demo Dev',
        GIT_AUTHOR_EMAIL: 'dev@example.com',
        GIT_COMMITTER_NAME: 'Demo Dev',
        GIT_COMMITTER_EMAIL: 'dev@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
  };
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  const commit = async (message: string) => {
    await git('add', '-A');
    await git('commit', '-q', '-m', message);
    clock += 86_400;
  };

  const appKey = { id: fakeKeyId('AKIA', '123456789012'), secret: fakeSecret() };
  const deployKey = { id: fakeKeyId('AKIA', '123456789012'), secret: fakeSecret() };
  const sessionKey = fakeKeyId('ASIA', '123456789012');
  const billingKey = { id: fakeLegacyKeyId(), secret: fakeSecret() };

  await git('init', '-q', '-b', 'main');
  await put('README.md', '# orders service\n\nConfigure the CLI as the AWS docs show:\n\n    aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
  await commit('Initial commit');
  await put('.env', `DATABASE_URL=postgres://localhost/orders\nAWS_ACCESS_KEY_ID=${appKey.id}\nAWS_SECRET_ACCESS_KEY=${appKey.secret}\n`);
  await commit('Add local environment');
  await rm(join(dir, '.env'));
  await put('.env.example', 'AWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=\n');
  await commit('Remove .env, keep an example');
  await put('deploy/credentials', `[default]\naws_access_key_id = ${deployKey.id}\naws_secret_access_key = ${deployKey.secret}\nregion = eu-west-1\n`);
  await put('src/upload.js', `// temporary credentials pasted while debugging\nconst accessKeyId = '${sessionKey}';\nexport const bucket = 'orders-exports';\n`);
  await commit('Deploy script and uploader');
  await git('tag', 'v1.0.0');
  await git('checkout', '-q', '-b', 'feature/billing');
  await put('config/billing.yaml', `billing:\n  aws_access_key_id: ${billingKey.id}\n  aws_secret_access_key: "${billingKey.secret}"\n`);
  await commit('Billing export settings');
  await git('checkout', '-q', 'main');

  return {
    dir,
    planted: [
      { keyId: appKey.id, path: '.env', atHead: false, note: 'committed, then deleted: only in history' },
      { keyId: deployKey.id, path: 'deploy/credentials', atHead: true, note: 'still in the working tree' },
      { keyId: sessionKey, path: 'src/upload.js', atHead: true, note: 'a temporary (ASIA) key ID alone' },
      { keyId: billingKey.id, path: 'config/billing.yaml', atHead: false, note: 'on a side branch; an older ID with no account encoded' },
    ],
  };
}
