// One workload's steps for the attach, cutover and verify stages (deactivation is decided per
// key, across workloads: see deactivate-steps.ts). Each step records the live state it expects
// (`expect`), so apply detects drift, and the steps it must wait for (`after`). No step deletes
// anything: deletion is finalize's, later and separately.
import type { Ec2Instance, InventoryDocument, ResourceGrant } from '../model/inventory.js';
import type { PlannedPolicy, PlanOptions, PlanStep } from '../model/plan.js';
import type { HostFileLocation, ServiceEnvLocation } from '../model/location.js';
import { compareText, sortedUnique } from './canonical-json.js';
import type { KeyLocation } from './key-locations.js';
import { instanceProfileArn, policyArn } from './role-name.js';
import type { RolePlan } from './roles.js';
import { StepList } from './step-list.js';
import { toolWithOwnKeys } from './tool-configs.js';
import type { WorkloadUnit } from './workloads.js';

export interface StepInput {
  unit: WorkloadUnit;
  role: RolePlan;
  policies: readonly PlannedPolicy[];
  /** this workload's key locations */
  locations: readonly KeyLocation[];
  keys: readonly string[];
  quietPeriodSeconds: ReadonlyMap<string, number>;
  /** resource and trust policies that name a key holder, for resources this workload used */
  grants: readonly { grant: ResourceGrant; holderArn: string }[];
  imdsv2Capable: boolean;
  inventory: InventoryDocument;
  options: PlanOptions;
}

export interface WorkloadSteps {
  steps: PlanStep[];
  /** verify-key-quiet step per key, for the deactivation that waits for every workload */
  quietSteps: Map<string, string>;
  blockers: string[];
  risks: string[];
}

export function workloadSteps(input: StepInput): WorkloadSteps {
  const { unit, role, options, inventory } = input;
  const list = new StepList(unit.id);
  const blockers: string[] = [];
  const risks: string[] = [];
  const account = inventory.account;
  const r = role.role;
  const creating = r.mode !== 'extend-existing';
  const profileName = role.instanceProfileName;

  // attach: the role, its policies and its profile
  const createRole = creating
    ? list.add({
        kind: 'create-role',
        subject: r.name,
        target: r.arn,
        description: `create role ${r.name} trusted by ec2.amazonaws.com only`,
        params: { roleName: r.name, path: r.path, assumeRolePolicyDocument: r.trustPolicy, permissionsBoundaryArn: r.permissionsBoundaryArn, tags: r.tags },
        expect: { role: null },
      })
    : null;
  const roleReady: string[] = [];
  for (const p of input.policies) {
    const arn = policyArn(account, options.rolePath, p.name);
    const created = list.add({
      kind: 'create-policy',
      subject: p.name,
      target: arn,
      description: `create managed policy ${p.name} (${p.statements.length} statement${p.statements.length === 1 ? '' : 's'}, ${p.size} characters)`,
      params: { policyName: p.name, path: options.rolePath, document: p.document, tags: r.tags },
      expect: { policy: null },
    });
    roleReady.push(attach(arn, p.name, [created]));
  }
  for (const arn of r.carriedPolicyArns) roleReady.push(attach(arn, arn.split('/').at(-1) ?? arn, []));

  function attach(arn: string, name: string, after: string[]): string {
    return list.add({
      kind: 'attach-role-policy',
      subject: name,
      target: r.arn,
      description: `attach ${name} to role ${r.name}${r.carriedPolicyArns.includes(arn) ? ' (carried over from the current role)' : ''}`,
      params: { roleName: r.name, policyArn: arn },
      expect: creating ? { attachedPolicyArns: { excludes: arn } } : { role: { exists: true, trustsService: 'ec2.amazonaws.com' }, attachedPolicyArns: { excludes: arn } },
      after: [...(createRole ? [createRole] : []), ...after],
    });
  }

  if (creating) {
    const profileArn = instanceProfileArn(account, options.rolePath, profileName);
    const createProfile = list.add({
      kind: 'create-instance-profile',
      subject: profileName,
      target: profileArn,
      description: `create instance profile ${profileName}`,
      params: { instanceProfileName: profileName, path: options.rolePath, tags: r.tags },
      expect: { instanceProfile: null },
    });
    roleReady.push(
      list.add({
        kind: 'add-role-to-instance-profile',
        subject: profileName,
        target: profileArn,
        description: `put role ${r.name} in instance profile ${profileName}`,
        params: { instanceProfileName: profileName, roleName: r.name },
        expect: { roles: [] },
        after: [...(createRole ? [createRole] : []), createProfile],
      }),
    );
  }

  // attach: resource and trust policies that name the key holder get the role next to it
  for (const { grant, holderArn } of [...input.grants].sort((a, b) => compareText(a.grant.resourceArn, b.grant.resourceArn))) {
    const other = accountOf(grant.resourceArn);
    if (other !== null && other !== account) {
      blockers.push(`${grant.resourceArn} is in account ${other}: that account must add ${r.arn} to its ${grant.resourceType === 'role-trust' ? 'trust policy' : 'resource policy'} next to ${holderArn}`);
      continue;
    }
    const trust = grant.resourceType === 'role-trust';
    roleReady.push(
      list.add({
        kind: trust ? 'extend-trust-policy' : 'extend-resource-policy',
        subject: grant.resourceArn,
        target: grant.resourceArn,
        description: `add ${r.name} next to ${holderArn} in the ${trust ? 'trust policy of role' : `${grant.resourceType} policy of`} ${grant.resourceArn}`,
        params: { resourceType: grant.resourceType, region: grant.region, addPrincipal: r.arn, nextToPrincipal: holderArn, statements: grant.statements },
        expect: { statementsNamingPrincipal: { principal: holderArn, count: grant.statements.length }, principalAbsent: r.arn },
        after: createRole ? [createRole] : [],
      }),
    );
  }

  // attach: the instances, and what launches new ones
  const onInstance = new Map<string, string[]>();
  for (const instance of unit.instances) {
    const step = associate(instance);
    onInstance.set(instance.instanceId, step ? [step] : roleReady);
  }

  function associate(instance: Ec2Instance): string | null {
    const current = instance.instanceProfile;
    if (current && role.keptProfileArn === current.arn) return null; // its own role is the one extended
    const profileArn = role.keptProfileArn ?? instanceProfileArn(account, options.rolePath, profileName);
    if (!current) {
      return list.add({
        kind: 'associate-instance-profile',
        subject: instance.instanceId,
        target: instance.instanceId,
        description: `associate instance profile ${profileName} with ${instance.instanceId}`,
        params: { instanceId: instance.instanceId, region: instance.region, instanceProfileName: profileName, instanceProfileArn: profileArn },
        expect: { association: null },
        after: roleReady,
      });
    }
    return list.add({
      kind: 'replace-instance-profile-association',
      subject: instance.instanceId,
      target: instance.instanceId,
      description: `replace ${instance.instanceId}'s instance profile ${current.arn.split('/').at(-1)} with ${profileName}, which ${r.mode === 'new-with-carried-policies' ? 'carries its policies' : 'keeps what it granted'}`,
      params: { instanceId: instance.instanceId, region: instance.region, associationId: current.associationId, instanceProfileName: profileName, instanceProfileArn: profileArn },
      expect: { association: { associationId: current.associationId, instanceProfileArn: current.arn } },
      after: roleReady,
    });
  }

  const templateSteps = launchSteps();
  function launchSteps(): string[] {
    const group = unit.autoScalingGroup;
    if (group && !group.launchTemplate?.id) {
      blockers.push(
        group.launchConfigurationName
          ? `Auto Scaling group ${group.name} launches from launch configuration ${group.launchConfigurationName}, which cannot be given a new version: move it to a launch template, then plan again`
          : `Auto Scaling group ${group.name} has no launch template in the inventory`,
      );
      return [];
    }
    const ref = unit.deploymentUnit.launchTemplate;
    if (!ref) return [];
    const template = unit.launchTemplate;
    if (!template) {
      blockers.push(`launch template ${ref.id} is not in the inventory: its user data and profile are unknown`);
      return [];
    }
    if (group?.mixedInstancesPolicy) risks.push(`Auto Scaling group ${group.name} uses a mixed instances policy: check that its overrides keep the new launch template version`);
    const current = ref.version === '$Latest' ? template.latestVersion : ref.version === '$Default' ? template.defaultVersion : Number(ref.version);
    const stripped = input.locations.filter((l) => l.location.type === 'launch-template' && l.location.launchTemplateId === template.id);
    const currentTokens = template.versions.find((v) => v.version === current)?.metadataOptions?.httpTokens ?? 'optional';
    const tokens = input.imdsv2Capable ? 'required' : currentTokens;
    const version = list.add({
      kind: 'create-launch-template-version',
      subject: template.id,
      target: template.id,
      description: `new version of launch template ${template.name} from version ${current}: instance profile ${profileName}, IMDSv2 ${tokens}, user data without the static keys`,
      params: {
        launchTemplateId: template.id,
        region: template.region,
        sourceVersion: current,
        instanceProfileName: profileName,
        metadataOptions: { httpTokens: tokens, httpEndpoint: 'enabled', httpPutResponseHopLimit: options.hopLimit },
        userData: { removeCredentials: sortedUnique(stripped.map((l) => l.label)), keys: sortedUnique(stripped.map((l) => l.accessKeyId)) },
        setDefault: ref.version === '$Default',
      },
      expect: { latestVersion: template.latestVersion, defaultVersion: template.defaultVersion },
      after: roleReady,
    });
    if (!group) return [version];
    return [
      version,
      list.add({
        kind: 'update-auto-scaling-group',
        subject: group.name,
        target: group.arn,
        description: `point Auto Scaling group ${group.name} at the new launch template version`,
        params: { autoScalingGroupName: group.name, region: group.region, launchTemplate: { id: template.id, version: { fromStep: version } } },
        expect: { launchTemplate: { id: group.launchTemplate?.id ?? null, version: group.launchTemplate?.version ?? null } },
        after: [version],
      }),
    ];
  }

  // cutover: the static keys leave the hosts, and what holds them in memory restarts
  const cutover: string[] = [];
  const hostOf = (loc: KeyLocation, host: string): string => loc.instanceId ?? host;
  const fileRemovals: { host: string; id: string }[] = [];
  const restarts: { host: string; id: string }[] = [];
  const restarted = new Map<string, string>();
  const locations = [...input.locations].sort((a, b) => compareText(a.label, b.label));
  for (const loc of locations) {
    const after = loc.instanceId ? (onInstance.get(loc.instanceId) ?? roleReady) : [...roleReady, ...templateSteps];
    const l = loc.location;
    switch (l.type) {
      case 'launch-template':
        break; // the new version's user data leaves it out
      case 'launch-configuration':
        blockers.push(`${loc.accessKeyId} is in the user data of launch configuration ${l.name}: move the group to a launch template`);
        break;
      case 'user-data':
        cutover.push(
          list.add({
            kind: 'manual-action',
            subject: `${l.instanceId}-user-data`,
            target: l.instanceId,
            description: `remove ${loc.accessKeyId} from the user data of ${l.instanceId} (${loc.label}); changing user data needs the instance stopped${unit.autoScalingGroup ? ', or replace it from the new launch template version (instance refresh)' : ''}`,
            params: { location: l, accessKeyId: loc.accessKeyId },
            expect: { userDataContains: loc.accessKeyId },
            after,
          }),
        );
        break;
      case 'host-file':
        cutover.push(hostFileStep(loc, l, after));
        break;
      case 'service-env': {
        const removed = list.add({
          kind: 'remove-host-credential',
          subject: `${l.host}:${l.unit}:${l.variable}`,
          target: `${l.host}:${l.file ?? l.unit}`,
          description: `remove ${l.variable} (${loc.accessKeyId}) from the environment of ${l.manager} ${l.unit} on ${l.host}`,
          params: { location: l, accessKeyId: loc.accessKeyId, instanceId: loc.instanceId },
          expect: { variableHoldsKey: { variable: l.variable, accessKeyId: loc.accessKeyId } },
          after,
        });
        cutover.push(removed, restart(l, removed, loc.instanceId));
        break;
      }
      case 'process-env':
        cutover.push(
          list.add({
            kind: 'manual-action',
            subject: `${l.host}:pid-${l.pid}`,
            target: `${l.host}:pid ${l.pid}`,
            description: `process ${l.pid}${l.command ? ` (${l.command})` : ''} on ${l.host} has ${loc.accessKeyId} in its environment (${l.variable}): find what starts it, remove the variable there and restart it`,
            params: { location: l, accessKeyId: loc.accessKeyId },
            expect: { processRunning: l.pid },
            after,
          }),
        );
        break;
      case 'repository':
        break;
    }
  }

  // a service restart also waits for the key files removed on its host
  for (const loc of locations) {
    if (loc.location.type === 'service-env') restarts.push({ host: hostOf(loc, loc.location.host), id: restarted.get(`${loc.location.host}:${loc.location.manager}:${loc.location.unit}`) ?? '' });
  }
  for (const r of restarts) {
    const step = list.steps.find((s) => s.id === r.id);
    for (const f of fileRemovals.filter((f) => f.host === r.host)) if (step && !step.after.includes(f.id)) step.after.push(f.id);
  }

  function hostFileStep(loc: KeyLocation, l: HostFileLocation, after: readonly string[]): string {
    const tool = toolWithOwnKeys(l.path);
    const target = `${l.host}:${l.path}`;
    const params = { location: l, accessKeyId: loc.accessKeyId, instanceId: loc.instanceId };
    const expect = { fileHoldsKey: { path: l.path, accessKeyId: loc.accessKeyId, ...(l.section ? { section: l.section } : {}) } };
    if (tool?.change) {
      return list.add({ kind: 'update-tool-config', subject: target, target, description: `${tool.name}: ${tool.change} in ${target}`, params: { ...params, tool: tool.name, change: tool.change }, expect, after });
    }
    if (tool) {
      return list.add({ kind: 'manual-action', subject: target, target, description: `${tool.name} keeps its own key in ${target}: ${tool.manual}`, params: { ...params, tool: tool.name }, expect, after });
    }
    const removed = list.add({
      kind: 'remove-host-credential',
      subject: target,
      target,
      description: `remove ${loc.accessKeyId} from ${loc.label}`,
      params,
      expect,
      after,
    });
    fileRemovals.push({ host: hostOf(loc, l.host), id: removed });
    // a process that read the file keeps the key in memory: restart the services on that host
    // that hold the same key; if none is known, a person must
    const sameHost = (o: KeyLocation): boolean => (loc.instanceId !== null ? o.instanceId === loc.instanceId : o.location.type === 'service-env' && o.location.host === l.host);
    const services = input.locations.filter((o) => o.location.type === 'service-env' && sameHost(o));
    if (services.length === 0) {
      cutover.push(
        list.add({
          kind: 'manual-action',
          subject: `${target}-restart`,
          target,
          description: `restart whatever on ${l.host} reads ${l.path}: a running process keeps the key it loaded`,
          params: { host: l.host, path: l.path },
          expect: {},
          after: [removed],
        }),
      );
    }
    return removed;
  }

  function restart(l: ServiceEnvLocation, after: string, instanceId: string | null): string {
    const key = `${l.host}:${l.manager}:${l.unit}`;
    const existing = restarted.get(key);
    if (existing) {
      const step = list.steps.find((s) => s.id === existing);
      if (step && !step.after.includes(after)) step.after.push(after);
      return existing;
    }
    const id = list.add({
      kind: 'restart-service',
      subject: key,
      target: `${l.host}:${l.unit}`,
      description: `restart ${l.manager} ${l.unit} on ${l.host} so it drops the key it holds in memory`,
      params: { host: l.host, manager: l.manager, unit: l.unit, instanceId, ...(l.file ? { file: l.file } : {}) },
      expect: { running: true },
      after: [after],
    });
    restarted.set(key, id);
    return id;
  }

  // verify: the role is in use, each key has gone quiet, and IMDSv2 after a soak
  const attachDone = [...roleReady, ...templateSteps, ...[...onInstance.values()].flat()];
  const verifyRole = list.add({
    kind: 'verify-role-in-use',
    subject: r.name,
    target: r.arn,
    description: `check that ${r.name}'s credentials are being used from the workload's instances`,
    params: { roleName: r.name, instances: unit.instances.map((i) => i.instanceId) },
    expect: { roleLastUsed: 'after the attach stage' },
    after: cutover.length > 0 ? cutover : attachDone,
  });
  const quietSteps = new Map<string, string>();
  for (const key of input.keys) {
    const seconds = input.quietPeriodSeconds.get(key) ?? 0;
    quietSteps.set(
      key,
      list.add({
        kind: 'verify-key-quiet',
        subject: key,
        target: key,
        description: `check that ${key} has not been used for ${formatDuration(seconds)}`,
        params: { accessKeyId: key, quietPeriodSeconds: seconds },
        expect: { status: 'Active' },
        after: [verifyRole],
      }),
    );
  }
  if (input.imdsv2Capable) {
    const soakSeconds = options.imdsv2SoakDays * 86_400;
    for (const instance of unit.instances.filter((i) => i.metadataOptions.httpTokens !== 'required')) {
      list.add({
        kind: 'require-imdsv2',
        subject: instance.instanceId,
        target: instance.instanceId,
        description: `require IMDSv2 on ${instance.instanceId} after ${options.imdsv2SoakDays} days on role credentials (hop limit ${options.hopLimit})`,
        params: { instanceId: instance.instanceId, region: instance.region, httpTokens: 'required', httpPutResponseHopLimit: options.hopLimit, soakSeconds },
        expect: { metadataOptions: { httpTokens: instance.metadataOptions.httpTokens, hopLimit: instance.metadataOptions.hopLimit } },
        after: [verifyRole],
      });
    }
  }
  return { steps: list.steps, quietSteps, blockers, risks };
}

function accountOf(arn: string): string | null {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : null;
}

export function formatDuration(seconds: number): string {
  const days = seconds / 86_400;
  if (Number.isInteger(days)) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.ceil(seconds / 3600);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
