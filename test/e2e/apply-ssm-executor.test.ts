// The SSM host executor against moto: keyshift's own Command document is made once, with the
// payload in it, and each run sends one command with that document (never AWS-RunShellScript)
// to the instance, its ops base64 in the document's one parameter, both journaled.
// Where moto differs from AWS the test says so: moto does not run commands. It records them
// and reports every invocation Success with empty output, so what is asserted is what moto
// recorded (GetDocument, ListCommands), and that a host which printed nothing is never taken
// for one where the ops went well; the script the document holds is then run by sh here, on
// a fixture root, as the agent would run it. The payload's ops are tested in the unit tests.
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDocumentCommand, GetDocumentCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCutoverOutput } from '../../src/apply/host/cutover-output.js';
import { cutoverPayload } from '../../src/apply/host/cutover-payload.js';
import { opLine, type HostOp } from '../../src/apply/host/cutover-ops.js';
import { cutoverDocument, cutoverDocumentName } from '../../src/apply/host/ssm-document.js';
import { SsmHostExecutor } from '../../src/apply/host/ssm-executor.js';
import type { HostTarget } from '../../src/apply/host-executor.js';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import { withoutComments } from '../../src/scan/aws/ssm/host-payload.js';
import { fakeKeyId, fakeSecret } from '../helpers/fake-keys.js';
import { removeTempDirs } from '../helpers/git-repo.js';
import { HostRoot } from '../helpers/host-root.js';
import { useMoto, type Moto } from '../helpers/moto.js';
import { testMutate, type RecordedCall } from '../helpers/step-context.js';

const REGION = 'eu-west-1';
const AMI = 'ami-760aaa0f'; // one of moto's images

// the SDK's clients take their credentials from the default chain, so from process.env
const motoServer = useMoto({ stubEnv: true });
let moto: Moto;
let instanceId: string;
let calls: RecordedCall[];

afterAll(removeTempDirs);

beforeEach(async () => {
  moto = motoServer();
  calls = [];
  const ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint });
  instanceId = (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
});

const aws = () => new AwsContext({ endpointUrl: moto.endpoint, region: REGION }, moto.env);
const ssm = () => new SSMClient({ region: REGION, endpoint: moto.endpoint });
const executor = () => new SsmHostExecutor({ aws: aws(), mutate: testMutate(calls), sleep: async () => {}, pollIntervalMs: 1 });
const target = (): HostTarget => ({ host: instanceId, instanceId, region: REGION });
const signal = () => new AbortController().signal;

const KEY = fakeKeyId();
const SECRET = fakeSecret();
const ops = (): HostOp[] => [
  { op: 'remove-credential', location: { type: 'host-file', host: instanceId, path: '/home/app/.aws/credentials', format: 'aws-credentials', section: 'default' }, accessKeyId: KEY, backupId: 'plan-0011223344556677-aabbccddeeff' },
  { op: 'check-identity', expectRoleName: 'keyshift-app', user: 'app' },
];

describe('the SSM host executor', () => {
  it('makes its document once, with the payload in it, and sends each run with it to the instance', async () => {
    const payload = cutoverPayload();
    const name = cutoverDocumentName(payload);
    expect(name).toBe(`keyshift-cutover-${payload.sha256.slice(0, 12)}`);

    const ex = executor();
    const first = await ex.run(target(), ops(), signal());
    // moto ran nothing and printed nothing: the first op is reported failed, never done
    expect(first).toEqual([{ op: 'remove-credential', status: 'failed', message: 'the host printed no result for remove-credential' }]);
    await ex.run(target(), ops(), signal());
    // a new executor (another run of apply) finds the document and does not make it again
    await executor().run(target(), [ops()[1]!], signal());

    expect(calls.map((c) => [c.api, c.region, c.target, c.ok])).toEqual([
      ['ssm:CreateDocument', REGION, name, true],
      ['ssm:SendCommand', REGION, instanceId, true],
      ['ssm:SendCommand', REGION, instanceId, true],
      ['ssm:SendCommand', REGION, instanceId, true],
    ]);
    expect(calls[1]!.args).toEqual({ documentName: name, instanceId, ops: ops().map(opLine) });

    // the document moto stored: a Command document whose script unpacks exactly this payload
    const doc = await ssm().send(new GetDocumentCommand({ Name: name }));
    expect(doc.DocumentType).toBe('Command');
    expect(doc.Content).toBe(cutoverDocument(payload).content);
    // SSM takes a Command document of up to 64 KB
    expect(Buffer.byteLength(doc.Content!)).toBeLessThan(64 * 1024);
    const content = JSON.parse(doc.Content!) as { schemaVersion: string; parameters: Record<string, { allowedPattern: string }>; mainSteps: { action: string; inputs: { runCommand: string[] } }[] };
    expect(content.schemaVersion).toBe('2.2');
    expect(content.parameters.ops!.allowedPattern).toBe('^[A-Za-z0-9+/=]+$');
    expect(content.mainSteps[0]!.action).toBe('aws:runShellScript');
    const embedded = /^printf '%s' '([A-Za-z0-9+/=]+)' >"\$d\/payload\.b64"$/.exec(content.mainSteps[0]!.inputs.runCommand.find((l) => l.includes('payload.b64') && l.startsWith('printf'))!)![1]!;
    expect(gunzipSync(Buffer.from(embedded, 'base64')).toString('utf8')).toBe(withoutComments(payload.text));
    expect(content.mainSteps[0]!.inputs.runCommand).toContain('sh "$d/cutover.sh" --root / <"$d/ops"');

    // the commands moto recorded: keyshift's document, the instance, the ops as the payload reads them
    const listed = (await ssm().send(new ListCommandsCommand({ InstanceId: instanceId }))).Commands ?? [];
    expect(listed).toHaveLength(3);
    for (const command of listed) {
      expect(command.DocumentName).toBe(name);
      expect(command.DocumentName).not.toBe('AWS-RunShellScript');
      expect(command.InstanceIds).toEqual([instanceId]);
    }
    const sentOps = listed.map((c) => Buffer.from(c.Parameters!.ops![0]!, 'base64').toString('utf8'));
    expect(sentOps).toContainEqual(`${ops().map(opLine).join('\n')}\n`);
    expect(sentOps).toContainEqual(`${opLine(ops()[1]!)}\n`);

    // what the SSM agent would run, done here by sh since moto does not: the parameter put in
    // the script, the root a fixture instead of / (the one change), the output the payload's
    const host = new HostRoot().file('/home/app/.aws/credentials', `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`, { mode: 0o600 });
    const sent = listed.find((c) => Buffer.from(c.Parameters!.ops![0]!, 'base64').toString('utf8').startsWith('remove-credential'))!;
    const script = content.mainSteps[0]!.inputs.runCommand
      .join('\n')
      .replace('{{ ops }}', sent.Parameters!.ops![0]!)
      .replace('--root /', `--root '${host.root}'`);
    const agent = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KEYSHIFT_IMDS_ENDPOINT: 'none' } });
    const results = parseCutoverOutput(agent.stdout, ops());
    expect(results.map((r) => [r.op, r.status, r.identity])).toEqual([
      ['remove-credential', 'changed', undefined],
      ['check-identity', 'failed', 'none'],
    ]);
    expect(readFileSync(join(host.root, 'home/app/.aws/credentials'), 'utf8')).toBe('[default]\n');
    expect(`${agent.stdout}${agent.stderr}`).not.toContain(SECRET.slice(0, 8));
  });

  it('refuses to run a document under its name that is not this payload', async () => {
    const name = cutoverDocumentName(cutoverPayload());
    const other = { schemaVersion: '2.2', description: 'not keyshift', mainSteps: [{ action: 'aws:runShellScript', name: 'x', inputs: { runCommand: ['echo hello'] } }] };
    await ssm().send(new CreateDocumentCommand({ Name: name, DocumentType: 'Command', DocumentFormat: 'JSON', Content: JSON.stringify(other) }));
    const refused = await executor()
      .run(target(), ops(), signal())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isKeyshiftError(refused) && refused.kind).toBe('safety-gate');
    expect((refused as Error).message).toContain(`the SSM document ${name} exists with content other than`);
    expect(calls).toEqual([]);
    expect((await ssm().send(new ListCommandsCommand({}))).Commands).toEqual([]);
  });

  it('needs an instance ID: a host known only by name cannot be reached through SSM', async () => {
    await expect(executor().run({ host: 'shop-1', instanceId: null, region: REGION }, ops(), signal())).rejects.toThrow(/not known as an EC2 instance/);
    expect(calls).toEqual([]);
  });
});
