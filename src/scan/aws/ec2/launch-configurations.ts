// Launch configurations (the predecessor of launch templates, still behind older Auto
// Scaling groups): instance profile, metadata options and user data, scanned for keys.
import { paginateDescribeLaunchConfigurations } from '@aws-sdk/client-auto-scaling';
import type { Finding } from '../../../model/finding.js';
import type { LaunchConfiguration } from '../../../model/inventory.js';
import { scanUserData } from '../user-data/scan-user-data.js';
import { templateMetadataOptions } from './metadata-options.js';
import { collectPages, readPart, type RegionContext } from './region-context.js';

export interface ScannedLaunchConfigurations {
  configurations: LaunchConfiguration[];
  credentials: Finding[];
}

export async function scanLaunchConfigurations(ctx: RegionContext): Promise<ScannedLaunchConfigurations> {
  const listed = await readPart(ctx, { action: 'autoscaling:DescribeLaunchConfigurations', part: `launch configurations in ${ctx.region}` }, () =>
    collectPages(paginateDescribeLaunchConfigurations({ client: ctx.autoScaling, pageSize: 100 }, {}), (p) => p.LaunchConfigurations, ctx.signal),
  );
  const credentials: Finding[] = [];
  const configurations = (listed ?? []).flatMap((c): LaunchConfiguration[] => {
    if (!c.LaunchConfigurationName) return [];
    const userData = scanUserData(c.UserData, { type: 'launch-configuration', name: c.LaunchConfigurationName, region: ctx.region });
    credentials.push(...userData.credentials);
    return [
      {
        name: c.LaunchConfigurationName,
        region: ctx.region,
        instanceProfile: c.IamInstanceProfile ?? null,
        metadataOptions: templateMetadataOptions(c.MetadataOptions),
        userData: userData.status,
      },
    ];
  });
  return { configurations, credentials };
}
