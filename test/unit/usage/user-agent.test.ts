// SDK and CLI versions from CloudTrail userAgent strings, against the documented IMDSv2 minimums.
import { describe, expect, it } from 'vitest';
import { compareVersions, describeUserAgent } from '../../../src/usage/user-agent.js';

describe('describeUserAgent', () => {
  it.each([
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.amzn.2023 prompt/off command/s3.cp', 'aws-cli', '2.15.30', true],
    ['aws-cli/1.16.200 Python/2.7.16 Linux/4.14.133 botocore/1.12.190', 'aws-cli', '1.16.200', false],
    ['aws-cli/1.16.289 Python/3.7.4 Linux/4.14 botocore/1.13.25', 'aws-cli', '1.16.289', true],
    ['Boto3/1.26.137 Python/3.9.16 Linux/5.10.178 Botocore/1.29.137', 'boto3', '1.26.137', true],
    ['Boto3/1.9.253 Python/3.6.9 Linux/4.15 Botocore/1.12.253', 'boto3', '1.9.253', false],
    ['Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#legacy Botocore/1.34.0', 'boto3', '1.34.0', true],
    ['Botocore/1.13.24 Python/3.7 Linux/4.14', 'botocore', '1.13.24', false],
    ['aws-sdk-java/1.12.400 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.6+10-LTS java/17.0.6 vendor/Amazon.com_Inc.', 'aws-sdk-java', '1.12.400', true],
    ['aws-sdk-java/1.11.500 Linux/4.14 Java_HotSpot(TM)_64-Bit_Server_VM/25.201-b09 java/1.8.0_201', 'aws-sdk-java', '1.11.500', false],
    ['aws-sdk-java/2.10.20 Linux/4.14 OpenJDK_64-Bit_Server_VM/11.0.5+10-LTS Java/11.0.5 vendor/Amazon.com_Inc. io/sync http/Apache', 'aws-sdk-java', '2.10.20', false],
    ['aws-sdk-java/2.25.11 ua/2.0 os/Linux#5.10 lang/java#17.0.10 md/OpenJDK_64-Bit_Server_VM#17.0.10+7-LTS', 'aws-sdk-java', '2.25.11', true],
    ['aws-sdk-go/1.44.122 (go1.19.3; linux; amd64)', 'aws-sdk-go', '1.44.122', true],
    ['aws-sdk-go/1.25.0 (go1.13; linux; amd64)', 'aws-sdk-go', '1.25.0', false],
    ['aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.47.7', 'aws-sdk-go-v2', '1.24.0', true],
    ['aws-sdk-nodejs/2.1000.0 linux/v14.17.0 exec-env/AWS_Lambda_nodejs14.x', 'aws-sdk-js', '2.1000.0', true],
    ['aws-sdk-nodejs/2.600.0 linux/v10.16.0', 'aws-sdk-js', '2.600.0', false],
    ['aws-sdk-js/3.515.0 ua/2.0 os/linux#6.1.0 lang/js md/nodejs#20.11.1 api/s3#3.515.0', 'aws-sdk-js', '3.515.0', true],
    ['aws-sdk-php/3.300.0 OS/Linux/5.10 lang/php/8.2.0 GuzzleHttp/7', 'aws-sdk-php', '3.300.0', true],
    ['aws-sdk-ruby3/3.190.0 ruby/3.2.2 x86_64-linux aws-sdk-s3/1.142.0', 'aws-sdk-ruby', '3.190.0', true],
    ['aws-sdk-ruby2/2.11.400 ruby/2.6.0 x86_64-linux', 'aws-sdk-ruby', '2.11.400', false],
    ['aws-sdk-dotnet-coreclr/3.7.300.0 aws-sdk-dotnet-core/3.7.300.0 .NET_Core/6.0.25 OS/Linux', 'aws-sdk-dotnet', '3.7.300.0', true],
    ['aws-sdk-cpp/1.11.200 Linux/5.10 x86_64 GCC/11.4.0', 'aws-sdk-cpp', '1.11.200', true],
    ['AWSPowerShell.Common/4.1.500 .NET_Core/6.0 OS/Microsoft_Windows PowerShellCore/7.4', 'aws-tools-powershell', '4.1.500', true],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0 os/linux', 'aws-sdk-go-v2', '1.24.0', true],
    ['[aws-cli/2.13.0 Python/3.11.4 Linux/5.10 exe/x86_64.amzn.2 prompt/off command/s3.sync]', 'aws-cli', '2.13.0', true],
  ])('%s', (ua, name, version, capable) => {
    expect(describeUserAgent(ua)).toEqual({ tool: { name, version }, imdsv2Capable: capable });
  });

  it('reports SDKs the documentation does not list as unknown, and unknown agents as nothing', () => {
    expect(describeUserAgent('aws-sdk-rust/1.1.4 os/linux lang/rust/1.75.0')).toEqual({ tool: { name: 'aws-sdk-rust', version: '1.1.4' }, imdsv2Capable: null });
    expect(describeUserAgent('console.amazonaws.com')).toEqual({ tool: null, imdsv2Capable: null });
    expect(describeUserAgent('AWS Internal')).toEqual({ tool: null, imdsv2Capable: null });
    expect(describeUserAgent('curl/8.4.0 🚀 \u0000')).toEqual({ tool: null, imdsv2Capable: null });
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.16.289', '1.16.29')).toBeGreaterThan(0);
    expect(compareVersions('3.3.634.1', '3.3.634')).toBeGreaterThan(0);
    expect(compareVersions('2.0', '2.0.0')).toBe(0);
  });
});
