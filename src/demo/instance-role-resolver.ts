// Which role an emulated instance would get from its metadata service: the role in the
// instance profile moto has associated with it right now. The IMDS emulator answers with it,
// so the cutover's identity check sees the association apply really made.
import { DescribeIamInstanceProfileAssociationsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import type { RoleResolver } from './imds-emulator.js';

export function motoRoleResolver(endpoint: string, region: string): RoleResolver & { close(): void } {
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const ec2 = new EC2Client({ endpoint, region, credentials });
  const iam = new IAMClient({ endpoint, region, credentials });
  const resolve = async (instanceId: string): Promise<string | null> => {
    const out = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }));
    const association = out.IamInstanceProfileAssociations?.find((a) => a.State === 'associated' || a.State === 'associating');
    const arn = association?.IamInstanceProfile?.Arn;
    if (!arn) return null;
    const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: arn.split('/').at(-1)! }));
    return profile.InstanceProfile?.Roles?.[0]?.RoleName ?? null;
  };
  return Object.assign(resolve, {
    close: () => {
      ec2.destroy();
      iam.destroy();
    },
  });
}
