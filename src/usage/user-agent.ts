// Which SDK or CLI made a call, from the record's userAgent, and whether that version can use
// IMDSv2 — the planner will require IMDSv2 on the instance, and software too old for it would
// lose its credentials there.
//
// Minimum versions from "Use a supported AWS SDK" (Amazon EC2 User Guide,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/use-a-supported-sdk-version-for-imdsv2.html):
// AWS CLI 1.16.289, Tools for Windows PowerShell 4.0.1.0, .NET 3.3.634.1, C++ 1.7.229, Go 1.25.38,
// Go v2 0.19.0, Java 1.11.678, Java 2.x 2.10.21, JavaScript in Node.js 2.722.0, PHP 3.147.7,
// Python botocore 1.13.25, Python Boto3 1.12.6, Ruby 3.79.0. Every later major version supports
// it (CLI v2, JavaScript v3, Go v2 1.x). SDKs the page does not list (Rust, Kotlin, Swift) are
// reported as unknown rather than assumed.
//
// The SDK is looked for anywhere in the string: tools built on an SDK (Terraform, CDK, agents)
// put their own name first, but the SDK inside is what reads the instance metadata.

export interface ToolVersion {
  name: string;
  version: string;
}

interface KnownTool {
  name: string;
  pattern: RegExp;
  /** the first version that supports IMDSv2; null when the documentation does not say */
  imdsv2Since: (version: string) => string | null;
}

const VERSION = String.raw`(\d+(?:\.\d+)*)`;
const since = (minimum: string) => () => minimum;

// Most specific first: the CLI carries botocore in its string, Boto3 carries Botocore.
const KNOWN_TOOLS: readonly KnownTool[] = [
  { name: 'aws-cli', pattern: new RegExp(String.raw`\baws-cli/${VERSION}`), imdsv2Since: since('1.16.289') },
  { name: 'aws-tools-powershell', pattern: new RegExp(String.raw`\bAWSPowerShell(?:\.Common|\.NetCore)?/${VERSION}`), imdsv2Since: since('4.0.1.0') },
  { name: 'boto3', pattern: new RegExp(String.raw`\bBoto3/${VERSION}`, 'i'), imdsv2Since: since('1.12.6') },
  { name: 'aws-sdk-go-v2', pattern: new RegExp(String.raw`\baws-sdk-go-v2/${VERSION}`), imdsv2Since: since('0.19.0') },
  { name: 'aws-sdk-go', pattern: new RegExp(String.raw`\baws-sdk-go/${VERSION}`), imdsv2Since: since('1.25.38') },
  { name: 'aws-sdk-java', pattern: new RegExp(String.raw`\baws-sdk-java/${VERSION}`), imdsv2Since: (v) => (major(v) >= 2 ? '2.10.21' : '1.11.678') },
  // v2 in Node.js says aws-sdk-nodejs; v2 in browsers and all of v3 say aws-sdk-js
  { name: 'aws-sdk-js', pattern: new RegExp(String.raw`\baws-sdk-(?:nodejs|js)/${VERSION}`), imdsv2Since: since('2.722.0') },
  { name: 'aws-sdk-php', pattern: new RegExp(String.raw`\baws-sdk-php/${VERSION}`), imdsv2Since: since('3.147.7') },
  // the version after aws-sdk-ruby3 is aws-sdk-core's, which the minimum refers to
  { name: 'aws-sdk-ruby', pattern: new RegExp(String.raw`\baws-sdk-ruby[23]?/${VERSION}`), imdsv2Since: since('3.79.0') },
  { name: 'aws-sdk-dotnet', pattern: new RegExp(String.raw`\baws-sdk-dotnet(?:-core|-coreclr|-45|-35)?/${VERSION}`), imdsv2Since: since('3.3.634.1') },
  { name: 'aws-sdk-cpp', pattern: new RegExp(String.raw`\baws-sdk-cpp/${VERSION}`), imdsv2Since: since('1.7.229') },
  { name: 'botocore', pattern: new RegExp(String.raw`\bbotocore/${VERSION}`, 'i'), imdsv2Since: since('1.13.25') },
  { name: 'aws-sdk-rust', pattern: new RegExp(String.raw`\baws-sdk-rust/${VERSION}`), imdsv2Since: () => null },
  { name: 'aws-sdk-kotlin', pattern: new RegExp(String.raw`\baws-sdk-kotlin/${VERSION}`), imdsv2Since: () => null },
  { name: 'aws-sdk-swift', pattern: new RegExp(String.raw`\baws-sdk-swift/${VERSION}`), imdsv2Since: () => null },
];

function major(version: string): number {
  return Number(version.split('.', 1)[0]);
}

/** Compares dotted numeric versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface UserAgentInfo {
  tool: ToolVersion | null;
  /** whether the tool's version supports IMDSv2; null when the tool or its minimum is unknown */
  imdsv2Capable: boolean | null;
}

/** The SDK or CLI of a userAgent and whether its version supports IMDSv2. */
export function describeUserAgent(userAgent: string): UserAgentInfo {
  for (const known of KNOWN_TOOLS) {
    const version = known.pattern.exec(userAgent)?.[1];
    if (version === undefined) continue;
    const minimum = known.imdsv2Since(version);
    return { tool: { name: known.name, version }, imdsv2Capable: minimum === null ? null : compareVersions(version, minimum) >= 0 };
  }
  return { tool: null, imdsv2Capable: null };
}
