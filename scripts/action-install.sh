#!/usr/bin/env bash
# Step 2 of the sot GitHub Action (action.yml): download the release archive and its
# published SHA-256, verify, unpack the binary into SOT_DIR. Nothing is installed unless the
# digest matches. SOT_RELEASES_URL replaces https://github.com (tests serve a fake release).
set -euo pipefail

fail() { echo "::error title=sot action::$1" >&2; exit 1; }

base="${SOT_RELEASES_URL:-https://github.com}/$SOT_REPOSITORY/releases/download/v$SOT_VERSION"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {
    local auth=()
    # The token goes only to GitHub itself, never to another host.
    if [ -n "${GH_TOKEN:-}" ] && [ -z "${SOT_RELEASES_URL:-}" ]; then
        auth=(-H "Authorization: Bearer $GH_TOKEN")
    fi
    curl --fail --silent --show-error --location --proto '=https,http' --retry 3 \
        ${auth[@]+"${auth[@]}"} -o "$2" "$1"
}

fetch "$base/$SOT_ARCHIVE" "$work/$SOT_ARCHIVE" \
    || fail "cannot download $base/$SOT_ARCHIVE (is there a release v$SOT_VERSION with a build for $SOT_TARGET?)"
fetch "$base/$SOT_ARCHIVE.sha256" "$work/$SOT_ARCHIVE.sha256" \
    || fail "cannot download the checksum $base/$SOT_ARCHIVE.sha256"

expected=$(tr -d '*' < "$work/$SOT_ARCHIVE.sha256" | awk '{print tolower($1); exit}')
if command -v sha256sum > /dev/null; then
    actual=$(sha256sum "$work/$SOT_ARCHIVE" | awk '{print $1}')
else
    actual=$(shasum -a 256 "$work/$SOT_ARCHIVE" | awk '{print $1}')
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "the checksum file of $SOT_ARCHIVE holds no SHA-256"
[ "$actual" = "$expected" ] || fail "$SOT_ARCHIVE does not match its published SHA-256 (expected $expected, got $actual)"

mkdir -p "$work/x"
case "$SOT_ARCHIVE" in
    *.zip)
        if command -v unzip > /dev/null; then
            unzip -q "$work/$SOT_ARCHIVE" -d "$work/x"
        else
            7z x -y -o"$work/x" "$work/$SOT_ARCHIVE" > /dev/null
        fi
        exe=sot.exe ;;
    *) tar -xJf "$work/$SOT_ARCHIVE" -C "$work/x"; exe=sot ;;
esac
# Release archives hold one directory, sot-<target>/, with the binary inside.
bin=$(find "$work/x" -type f -name "$exe" | head -n 1)
[ -n "$bin" ] || fail "$SOT_ARCHIVE holds no $exe"
mkdir -p "$SOT_DIR"
cp "$bin" "$SOT_DIR/$exe"
chmod +x "$SOT_DIR/$exe"
# The man pages and completions come along for whoever wants them.
src=$(dirname "$bin")
for extra in man completions; do
    if [ -d "$src/$extra" ]; then cp -R "$src/$extra" "$SOT_DIR/"; fi
done
echo "installed sot $SOT_VERSION ($SOT_TARGET) in $SOT_DIR"
