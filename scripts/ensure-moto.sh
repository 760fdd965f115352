#!/usr/bin/env bash
# The AWS emulator the end-to-end tests run against: a pinned moto[server] in .cache/moto.
# Prints the path of the moto_server executable.
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-pip-tool.sh" moto "moto[server]==${KEYSHIFT_MOTO_VERSION:-5.2.5}" moto_server "the AWS emulator (moto)"
