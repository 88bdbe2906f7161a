#!/usr/bin/env bash
# Write the Terraform CLI config Tierform uses (TF_CLI_CONFIG_FILE points here).
# With a local provider mirror (air-gapped machines, CI here: /opt/tf-plugins), providers
# found there come only from it (excluded from `direct`, so `terraform init` never asks the
# registry about them, even for a range like "~> 5.100"); everything else from the registry.
set -euo pipefail
target=${1:?usage: write_terraformrc.sh TARGET}
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
mkdir -p "$(dirname "$target")"
if [ -d "$mirror" ]; then
  # <mirror>/<host>/<namespace>/<type>/ → "<host>/<namespace>/<type>"
  mirrored=$(cd "$mirror" && find . -mindepth 3 -maxdepth 3 -type d | sed 's|^\./||' | sort |
    sed 's/.*/"&"/' | paste -sd, -)
  cat > "$target" <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$mirrored]
  }
  direct {
    exclude = [$mirrored]
  }
}
HCL
else
  : > "$target"
fi
