#!/usr/bin/env bash
# Step 1 of the sot GitHub Action (action.yml): which release, which platform, where.
# Reads INPUT_VERSION, INPUT_REPOSITORY, RUNNER_OS_NAME, RUNNER_ARCH_NAME, TOOL_CACHE and
# GITHUB_ACTION_PATH; writes repository, version, target, archive and dir to GITHUB_OUTPUT.
set -euo pipefail

fail() { echo "::error title=sot action::$1" >&2; exit 1; }

repository=${INPUT_REPOSITORY:-}
if [ -z "$repository" ]; then
    # The action's files sit at <runner>/_actions/<owner>/<name>/<ref>: that is where the
    # releases are (github.action_repository is not promised inside composite actions).
    case "$GITHUB_ACTION_PATH" in
        */_actions/*/*/*)
            rest=${GITHUB_ACTION_PATH#*/_actions/}
            owner=${rest%%/*}; rest=${rest#*/}
            repository="$owner/${rest%%/*}" ;;
        *) repository=${GITHUB_REPOSITORY:-} ;;  # `uses: ./` in sot's own repository
    esac
fi
[[ "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "cannot tell which repository holds the sot releases (got '$repository'); set the action's 'repository' input"

version=${INPUT_VERSION:-}
version=${version#v}
if [ -z "$version" ]; then
    # The version this ref of the action was released as: its Cargo.toml's package version.
    version=$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1)
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || fail "'$version' is not a sot version such as 0.1.0"

case "${RUNNER_OS_NAME}/${RUNNER_ARCH_NAME}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *) fail "no sot release for ${RUNNER_OS_NAME} on ${RUNNER_ARCH_NAME}" ;;
esac
case "$target" in
    *windows*) archive="sot-$target.zip" ;;
    *) archive="sot-$target.tar.xz" ;;
esac

dir="$TOOL_CACHE/sot/$version/$target"
{
    echo "repository=$repository"
    echo "version=$version"
    echo "target=$target"
    echo "archive=$archive"
    echo "dir=$dir"
} >> "$GITHUB_OUTPUT"
echo "sot $version for $target from $repository"
