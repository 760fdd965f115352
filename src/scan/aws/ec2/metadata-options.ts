// Instance metadata (IMDS) settings in the model's terms. An instance always has them; a
// launch template version or launch configuration may leave any of them unset, and then
// the AMI's or the account's defaults decide at launch.
import type { Ec2Instance } from '../../../model/inventory.js';

type MetadataOptions = Ec2Instance['metadataOptions'];

interface SdkMetadataOptions {
  HttpTokens?: string | undefined;
  HttpEndpoint?: string | undefined;
  HttpPutResponseHopLimit?: number | undefined;
}

export function instanceMetadataOptions(sdk: SdkMetadataOptions | undefined): MetadataOptions {
  return {
    // AWS always reports both on an instance; when absent, assume the permissive defaults
    httpTokens: sdk?.HttpTokens === 'required' ? 'required' : 'optional',
    httpEndpoint: sdk?.HttpEndpoint === 'disabled' ? 'disabled' : 'enabled',
    hopLimit: sdk?.HttpPutResponseHopLimit ?? null,
  };
}

export function templateMetadataOptions(sdk: SdkMetadataOptions | undefined): Partial<MetadataOptions> | null {
  if (!sdk) return null;
  const out: Partial<MetadataOptions> = {};
  if (sdk.HttpTokens === 'required' || sdk.HttpTokens === 'optional') out.httpTokens = sdk.HttpTokens;
  if (sdk.HttpEndpoint === 'enabled' || sdk.HttpEndpoint === 'disabled') out.httpEndpoint = sdk.HttpEndpoint;
  if (sdk.HttpPutResponseHopLimit !== undefined) out.hopLimit = sdk.HttpPutResponseHopLimit;
  return out;
}

/** Whether instances launched with these options answer IMDSv1 requests. Unset tokens default to optional. */
export function templateAllowsImdsV1(options: Partial<MetadataOptions> | null): boolean {
  return options?.httpEndpoint !== 'disabled' && options?.httpTokens !== 'required';
}
