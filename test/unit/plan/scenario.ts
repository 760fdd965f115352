// A small account with the planner's usual cases side by side: an Auto Scaling group whose key
// is in its launch template; a key shared by an app-tagged service and a batch instance, with
// one source attributed to neither; an instance whose current profile is shared with another
// instance; a key with no recorded usage; a root key in use.
import { ACCOUNT, accessKey, asg, did, finding, from, hostFindings, instance, instanceProfile, keyUse, launchTemplate, planInventory, planUsage, profileArn, role } from '../../helpers/plan-fixture.js';

export const WEB_KEY = 'AKIAWEBEXAMPLE000001';
export const SHARED_KEY = 'AKIASHAREDEXAMPLE001';
export const IDLE_KEY = 'AKIAIDLEEXAMPLE00001';
export const ROOT_KEY = 'AKIAROOTEXAMPLE00001';
export const SSM_POLICY = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

export function scenarioInventory() {
  return planInventory({
    instances: [
      instance('i-web1', { owner: { autoScalingGroup: 'web' }, launchTemplate: { id: 'lt-web', version: '3' }, privateIps: ['10.0.0.1'] }),
      instance('i-web2', { owner: { autoScalingGroup: 'web' }, launchTemplate: { id: 'lt-web', version: '3' }, privateIps: ['10.0.0.2'] }),
      instance('i-worker1', { tags: { App: 'worker' }, privateIps: ['10.0.0.11'], metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 1 } }),
      instance('i-worker2', { tags: { App: 'worker' }, privateIps: ['10.0.0.12'] }),
      instance('i-batch', { privateIps: ['10.0.0.21'], instanceProfile: { arn: profileArn('ssm'), id: 'AIPASSM', associationId: 'iip-assoc-batch' } }),
      instance('i-other', { privateIps: ['10.0.0.31'], instanceProfile: { arn: profileArn('ssm'), id: 'AIPASSM', associationId: 'iip-assoc-other' } }),
    ],
    autoScalingGroups: [asg('web', ['i-web1', 'i-web2'], { launchTemplate: { id: 'lt-web', name: 'web', version: '3' } })],
    launchTemplates: [launchTemplate('lt-web', 'web')],
    roles: [role('ssm', [SSM_POLICY])],
    instanceProfiles: [instanceProfile('ssm', 'ssm', ['i-batch', 'i-other'])],
    accessKeys: [
      accessKey(WEB_KEY, 'web', { date: '2025-05-30T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' }),
      accessKey(SHARED_KEY, 'app', { date: '2025-05-30T00:00:00.000Z', serviceName: 'sqs', region: 'eu-west-1' }),
      accessKey(IDLE_KEY, 'old', { date: '2025-01-01T00:00:00.000Z', serviceName: 's3', region: 'eu-west-1' }),
    ],
    credentials: [finding(WEB_KEY, { type: 'launch-template', launchTemplateId: 'lt-web', launchTemplateName: 'web', version: 3, region: 'eu-west-1', part: 0 })],
  });
}

export function scenarioUsage() {
  return planUsage({
    keys: [
      keyUse(WEB_KEY, { userName: 'web', actions: [did('s3:GetObject', 'arn:aws:s3:::web-assets/*', 40), did('s3:ListBucket', 'arn:aws:s3:::web-assets')], sources: [from('10.0.0.1', 'i-web1'), from('10.0.0.2', 'i-web2')], longestGapSeconds: 3600 }),
      keyUse(SHARED_KEY, {
        actions: [
          did('sqs:SendMessage', `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`, 20, '2025-05-02T00:00:00.000Z', '2025-05-10T00:00:00.000Z'),
          did('dynamodb:PutItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/results`, 7, '2025-05-20T00:00:00.000Z', '2025-05-30T00:00:00.000Z'),
        ],
        sources: [
          from('10.0.0.11', 'i-worker1', 'high', '2025-05-02T00:00:00.000Z', '2025-05-10T00:00:00.000Z'),
          from('10.0.0.21', 'i-batch', 'medium', '2025-05-20T00:00:00.000Z', '2025-05-30T00:00:00.000Z'),
          from('203.0.113.9', null, 'none', '2025-05-25T00:00:00.000Z', '2025-05-26T00:00:00.000Z'),
        ],
        longestGapSeconds: 20 * 86_400,
      }),
      keyUse(ROOT_KEY, { principalType: 'Root', actions: [did('s3:ListAllMyBuckets')], sources: [from('198.51.100.1', null)] }),
    ],
  });
}

export function scenarioHostFindings() {
  return [
    hostFindings([
      finding(SHARED_KEY, { type: 'service-env', host: 'i-worker1', manager: 'systemd', unit: 'worker.service', file: '/etc/systemd/system/worker.service', variable: 'AWS_ACCESS_KEY_ID' }),
      finding(SHARED_KEY, { type: 'host-file', host: 'ip-10-0-0-11.eu-west-1.compute.internal', path: '/home/worker/.aws/credentials', format: 'aws-credentials', section: 'default' }),
      finding(SHARED_KEY, { type: 'host-file', host: 'i-batch', path: '/root/.s3cfg', format: 'ini' }),
    ]),
  ];
}
