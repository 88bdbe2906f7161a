#!/usr/bin/env bash
# Write the Terraform CLI config Tierform uses (TF_CLI_CONFIG_FILE points here).
# With a local provider mirror (air-gapped machines, CI here: /opt/tf-plugins), providers
# found there come from it and everything else from the registry as usual.
set -euo pipefail
target=${1:?usage: write_terraformrc.sh TARGET}
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
mkdir -p "$(dirname "$target")"
if [ -d "$mirror" ]; then
  cat > "$target" <<HCL
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
  direct {}
}
HCL
else
  : > "$target"
fi
