// Launch templates and every one of their versions: the instance profile, metadata options
// and user data each version would launch with. The version data carries the user data, so
// a template costs one paged DescribeLaunchTemplateVersions call, whatever its versions.
import { paginateDescribeLaunchTemplates, paginateDescribeLaunchTemplateVersions, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import type { Finding } from '../../../model/finding.js';
import type { LaunchTemplate } from '../../../model/inventory.js';
import { scanUserData } from '../user-data/scan-user-data.js';
import { templateMetadataOptions } from './metadata-options.js';
import { readEach } from './read-each.js';
import { collectPages, readPart, type RegionContext } from './region-context.js';
import { tagRecord } from './tags.js';

// the largest page AWS allows for both calls
const PAGE_SIZE = 200;

export interface ScannedLaunchTemplates {
  templates: LaunchTemplate[];
  credentials: Finding[];
}

export async function scanLaunchTemplates(ctx: RegionContext): Promise<ScannedLaunchTemplates> {
  const listed = await readPart(ctx, { action: 'ec2:DescribeLaunchTemplates', part: `launch templates in ${ctx.region}` }, () =>
    collectPages(paginateDescribeLaunchTemplates({ client: ctx.ec2, pageSize: PAGE_SIZE }, {}), (p) => p.LaunchTemplates, ctx.signal),
  );
  const templates = (listed ?? []).filter((t) => t.LaunchTemplateId);
  const versionReads = await readEach(
    ctx,
    templates,
    {
      action: 'ec2:DescribeLaunchTemplateVersions',
      wholeSet: 'the versions of every launch template',
      oneItem: (t) => `versions of launch template ${t.LaunchTemplateId}`,
    },
    (t) =>
      collectPages(
        paginateDescribeLaunchTemplateVersions({ client: ctx.ec2, pageSize: PAGE_SIZE }, { LaunchTemplateId: t.LaunchTemplateId }),
        (p) => p.LaunchTemplateVersions,
        ctx.signal,
      ),
  );

  const credentials: Finding[] = [];
  const out = templates.map((t, n): LaunchTemplate => {
    const read = versionReads[n]!;
    const versions = read.ok ? [...read.value].sort((a, b) => (a.VersionNumber ?? 0) - (b.VersionNumber ?? 0)) : [];
    return {
      id: t.LaunchTemplateId!,
      name: t.LaunchTemplateName ?? t.LaunchTemplateId!,
      region: ctx.region,
      defaultVersion: t.DefaultVersionNumber ?? 1,
      latestVersion: t.LatestVersionNumber ?? 1,
      tags: tagRecord(t.Tags),
      versions: versions.flatMap((v) => {
        const version = toVersion(v, ctx.region);
        if (!version) return [];
        credentials.push(...version.credentials);
        return [version.version];
      }),
    };
  });
  return { templates: out, credentials };
}

function toVersion(v: LaunchTemplateVersion, region: string): { version: LaunchTemplate['versions'][number]; credentials: Finding[] } | undefined {
  if (!v.LaunchTemplateId || v.VersionNumber === undefined) return undefined;
  const data = v.LaunchTemplateData ?? {};
  const userData = scanUserData(data.UserData, {
    type: 'launch-template',
    launchTemplateId: v.LaunchTemplateId,
    ...(v.LaunchTemplateName !== undefined && { launchTemplateName: v.LaunchTemplateName }),
    version: v.VersionNumber,
    region,
  });
  const profile = data.IamInstanceProfile;
  return {
    version: {
      version: v.VersionNumber,
      instanceProfile: profile ? { arn: profile.Arn ?? null, name: profile.Name ?? null } : null,
      metadataOptions: templateMetadataOptions(data.MetadataOptions),
      userData: userData.status,
    },
    credentials: userData.credentials,
  };
}
