// The demo's hosts: one root filesystem per instance, in a temporary directory, holding the
// application's key where such keys are found on real machines: a systemd unit's Environment=,
// an EnvironmentFile, and root's ~/.aws/credentials. The secrets are synthetic (random, never
// a real key's, never moto's): the scanner must find them, and no output may show them.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DemoApp } from './demo-account.js';
import { fakeSecret } from './synthetic-credentials.js';

export interface DemoHost {
  instanceId: string;
  root: string;
  /** every file written, with its bytes, so a test can check they come back byte for byte */
  files: Map<string, string>;
  /** the synthetic secret on this host; kept in memory only, to check no output shows it */
  secret: string;
}

async function put(root: string, files: Map<string, string>, path: string, content: string, mode = 0o644): Promise<void> {
  const real = join(root, path);
  await mkdir(dirname(real), { recursive: true });
  await writeFile(real, content);
  await chmod(real, mode);
  files.set(path, content);
}

export async function writeDemoHosts(dir: string, apps: readonly DemoApp[]): Promise<DemoHost[]> {
  const hosts: DemoHost[] = [];
  for (const app of apps) {
    const root = join(dir, app.instanceId);
    const files = new Map<string, string>();
    const secret = fakeSecret();
    await put(root, files, '/etc/passwd', `root:x:0:0:root:/root:/bin/bash\n${app.name}:x:1001:1001::/home/${app.name}:/bin/bash\n`);
    if (app.existingProfile === null) {
      await put(
        root,
        files,
        `/etc/systemd/system/${app.name}.service`,
        `[Unit]\nDescription=${app.name}\n\n[Service]\nUser=${app.name}\nEnvironment=AWS_REGION=us-east-1\nEnvironment=AWS_ACCESS_KEY_ID=${app.accessKeyId}\nEnvironment=AWS_SECRET_ACCESS_KEY=${secret}\nExecStart=/opt/${app.name}/run\n\n[Install]\nWantedBy=multi-user.target\n`,
      );
    } else {
      await put(root, files, `/etc/${app.name}.env`, `AWS_REGION=us-east-1\nAWS_ACCESS_KEY_ID=${app.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secret}\n`, 0o600);
      await put(
        root,
        files,
        `/etc/systemd/system/${app.name}.service`,
        `[Unit]\nDescription=${app.name}\n\n[Service]\nEnvironmentFile=/etc/${app.name}.env\nExecStart=/opt/${app.name}/run\n\n[Install]\nWantedBy=multi-user.target\n`,
      );
      await put(root, files, '/root/.aws/credentials', `[default]\naws_access_key_id = ${app.accessKeyId}\naws_secret_access_key = ${secret}\n`, 0o600);
    }
    hosts.push({ instanceId: app.instanceId, root, files, secret });
  }
  return hosts;
}
