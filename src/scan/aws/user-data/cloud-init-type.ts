// The type cloud-init (and EC2Launch on Windows) gives a user data document that has no
// MIME header, from how its first line starts. Reports show it next to the part index.
const STARTS: readonly (readonly [string, string])[] = [
  ['#!', 'text/x-shellscript'],
  ['#cloud-config-archive', 'text/cloud-config-archive'],
  ['#cloud-config', 'text/cloud-config'],
  ['#cloud-boothook', 'text/cloud-boothook'],
  ['#include-once', 'text/x-include-once-url'],
  ['#include', 'text/x-include-url'],
  ['#part-handler', 'text/part-handler'],
  ['## template: jinja', 'text/jinja2'],
  ['<powershell>', 'text/x-powershell'],
  ['<script>', 'text/x-windows-batch'],
  ['version: 1.0', 'application/x-ec2launch-v2'],
];

export function cloudInitType(text: string): string | undefined {
  const head = text.trimStart().slice(0, 64).toLowerCase();
  return STARTS.find(([prefix]) => head.startsWith(prefix))?.[1];
}
