// The EC2 and Auto Scaling calls of `scan aws`, for the one table of AWS calls (and so for
// `keyshift permissions scan`). Everything is paged per region except user data, which EC2
// only returns one instance at a time.
import type { AwsCall } from '../../../aws/aws-calls.js';

export const EC2_CALLS: AwsCall[] = [
  { action: 'ec2:DescribeRegions', commands: ['DescribeRegionsCommand'], use: 'scan', why: 'which regions are enabled (opt-in status), and that --region names one' },
  { action: 'ec2:DescribeInstances', commands: ['DescribeInstancesCommand'], use: 'scan', why: 'every instance with its tags, network, profile and metadata options' },
  { action: 'ec2:DescribeIamInstanceProfileAssociations', commands: ['DescribeIamInstanceProfileAssociationsCommand'], use: 'scan', why: 'the association ID of each instance profile, which apply replaces or removes' },
  { action: 'ec2:DescribeInstanceAttribute', commands: ['DescribeInstanceAttributeCommand'], use: 'scan', why: 'the user data of each instance, scanned for keys' },
  { action: 'ec2:DescribeLaunchTemplates', commands: ['DescribeLaunchTemplatesCommand'], use: 'scan', why: 'launch templates that launch instances' },
  { action: 'ec2:DescribeLaunchTemplateVersions', commands: ['DescribeLaunchTemplateVersionsCommand'], use: 'scan', why: 'every template version: profile, metadata options and user data, scanned for keys' },
  { action: 'ec2:DescribeAddresses', commands: ['DescribeAddressesCommand'], use: 'scan', why: 'Elastic IPs: usage attribution matches CloudTrail source addresses to instances' },
  { action: 'ec2:DescribeNatGateways', commands: ['DescribeNatGatewaysCommand'], use: 'scan', why: 'NAT gateway addresses: calls from private subnets appear from them' },
  { action: 'ec2:DescribeVpcEndpoints', commands: ['DescribeVpcEndpointsCommand'], use: 'scan', why: 'VPC endpoints: calls through them appear with private addresses and the endpoint ID' },
  { action: 'autoscaling:DescribeAutoScalingGroups', commands: ['DescribeAutoScalingGroupsCommand'], use: 'scan', why: 'Auto Scaling groups own their instances: changes go through their launch template' },
  { action: 'autoscaling:DescribeLaunchConfigurations', commands: ['DescribeLaunchConfigurationsCommand'], use: 'scan', why: 'launch configurations: profile, metadata options and user data, scanned for keys' },
];
