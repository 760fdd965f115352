#!/usr/bin/env bash
# The CloudFormation linter the export tests validate templates with: a pinned cfn-lint in
# .cache/cfn-lint. Prints the path of the cfn-lint executable.
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-pip-tool.sh" cfn-lint "cfn-lint==${KEYSHIFT_CFN_LINT_VERSION:-1.58.0}" cfn-lint "the CloudFormation linter (cfn-lint)"
