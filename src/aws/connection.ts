// How keyshift reaches AWS: the SDK's default credential chain, or --profile; --region; and
// --endpoint-url, which the tests point at a local emulator. One place builds client config
// so every client gets the same retries and endpoint.
export interface AwsConnection {
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
  /** fixed credentials instead of the default chain: only for an emulator (the demo's moto) */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export interface AwsClientConfig {
  region: string;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

export function clientConfig(conn: AwsConnection, env: Record<string, string | undefined>, fallbackRegion = 'us-east-1'): AwsClientConfig {
  const config: AwsClientConfig = {
    region: conn.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? fallbackRegion,
    // adaptive: client-side rate limiting when AWS starts throttling, which IAM and CloudTrail do
    retryMode: 'adaptive',
    maxAttempts: 8,
  };
  if (conn.profile) config.profile = conn.profile;
  if (conn.endpointUrl) config.endpoint = conn.endpointUrl;
  if (conn.credentials) config.credentials = conn.credentials;
  return config;
}
