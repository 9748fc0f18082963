#!/usr/bin/env bash
# Builds the hub's container image from Containerfile and smoke-tests it, as CI does.
#
# No OCI runtime can start containers on the CI machines (no usable cgroups), so the
# image is built and checked without one:
#   1. Debian's podman and debootstrap are installed with apt-get when missing.
#   2. A Debian bookworm base image with Python 3.11 is made from Debian's packages
#      (debootstrap → tar → `podman import`), because the image must run the locked
#      environment on the Python the lock was made for. The tarball is kept in
#      ~/.cache/orderbridge (ORDERBRIDGE_CACHE) and reused by later runs.
#   3. `podman build --isolation chroot` builds Containerfile on that base (build
#      argument BASE_IMAGE); RUN steps use the host's network and its CA bundle (mounted
#      for the build only, so a TLS-inspecting proxy the host trusts works).
#   4. scripts/container_smoke.py mounts the image (`podman image mount`) and runs its
#      entrypoint under chroot, as the image's user: `db upgrade` on a throwaway
#      PostgreSQL, the Poster sandbox, `serve`, the image's health check, and an order
#      through the storefront API to the sandbox.
# Needs root (podman's storage, chroot, mounts); re-runs itself with sudo otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:$PATH"

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=PATH,ORDERBRIDGE_CACHE,ORDERBRIDGE_TEST_POSTGRES_URL bash "$0" "$@"
fi

CACHE=${ORDERBRIDGE_CACHE:-$HOME/.cache/orderbridge}
BASE_VERSION=1   # bump when the base's package list changes
BASE_TAR="$CACHE/base-bookworm-python3.11-v$BASE_VERSION.tar"
BASE_IMAGE="localhost/orderbridge-base:bookworm-python3.11-v$BASE_VERSION"
IMAGE=${ORDERBRIDGE_IMAGE:-localhost/orderbridge:ci}
started=$SECONDS

need=()
command -v podman >/dev/null || need+=(podman)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Debian mirror this machine's apt uses (deb822 or one-line sources), so the base is
# made from the same place as the host's packages; debootstrap's default otherwise.
debian_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb +(\[[^]]*\] +)?(http|https)://' /etc/apt/sources.list 2>/dev/null \
          | sed -E 's/^deb +(\[[^]]*\] +)?//' | awk '{print $1}' | grep -v -- '-security' \
          | head -n 1 || true)
  fi
  echo "$uri"
}

make_base_tarball() {
  local root
  root=$(mktemp -d /tmp/orderbridge-base.XXXXXX)
  echo "making the base image from Debian's packages (debootstrap bookworm)"
  # shellcheck disable=SC2046
  debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates \
    bookworm "$root" $(debian_mirror) >"$root.log" 2>&1 \
    || { tail -n 30 "$root.log"; rm -rf "$root" "$root.log"; return 1; }
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  mkdir -p "$CACHE"
  tar --numeric-owner -C "$root" -cf "$BASE_TAR.part" .
  mv "$BASE_TAR.part" "$BASE_TAR"
  rm -rf "$root" "$root.log"
}

if ! podman image exists "$BASE_IMAGE"; then
  [ -s "$BASE_TAR" ] || make_base_tarball
  podman import --quiet "$BASE_TAR" "$BASE_IMAGE" >/dev/null
fi
echo "base image $BASE_IMAGE ready after $((SECONDS - started)) s"

ca_mount=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  ca_mount=(--volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
fi
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
build_log=$(mktemp /tmp/orderbridge-build.XXXXXX)
podman build --isolation chroot --format docker \
  --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg VERSION="$version" \
  "${ca_mount[@]}" --tag "$IMAGE" --file Containerfile . >"$build_log" 2>&1 \
  || { tail -n 40 "$build_log"; rm -f "$build_log"; exit 1; }
rm -f "$build_log"
podman image prune --force --filter until=24h >/dev/null 2>&1 || true   # old build layers
echo "image $IMAGE built after $((SECONDS - started)) s"

uv run python scripts/container_smoke.py "$IMAGE"
echo "container build and smoke test took $((SECONDS - started)) s"
