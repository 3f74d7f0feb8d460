#!/usr/bin/env bash
# Rendering throughput, sot (minijinja) against Python's Jinja2, on the fleet's templates and
# data, in output MB/s per core (CPU time, not wall time). See docs/performance.md.
#
#   bash bench/jinja.sh          # N = 1000 devices
#   bash bench/jinja.sh 10000
#
# The data: sot itself exports what each device's template reads (the device, its
# interfaces with their addresses, VLAN and cable peer, the merged context) as one JSON
# document per device, by rendering an export template over the same inventory; Jinja2 then
# renders the original templates over those documents, and every output is compared with
# sot's own configuration (all must be identical). Jinja2 comes from pip, in a virtualenv
# under the cargo target directory (made on first use). sot's figure is the CPU time of the
# render stage of `sot check --timings` (rendering every device, configurations dropped).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${1:-1000}
SEED=${SEED:-1}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench/jinja.sh: N must be a positive integer" >&2; exit 1; }
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
VENV=$TARGET_DIR/jinja-venv
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sot-jinja.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
    log "making $VENV with jinja2 from pip"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q jinja2
fi
log "building (cargo build --release --bin sot --example fleet)"
cargo build --release --bin sot --example fleet >"$WORK/cargo.log" 2>&1 || { cat "$WORK/cargo.log" >&2; exit 1; }
SOT=$TARGET_DIR/release/sot
FLEET=$TARGET_DIR/release/examples/fleet

log "N=$N: generating the fleet"
"$FLEET" --devices "$N" --out "$WORK/fleet" --seed "$SEED" >/dev/null
log "sot build (the configurations to compare with)"
"$SOT" build "$WORK/fleet" --out "$WORK/build" >/dev/null
log "sot check --timings, 3 runs (the render stage's CPU time)"
RENDER=()
for _ in 1 2 3; do
    "$SOT" check "$WORK/fleet" --format json --timings >/dev/null 2>"$WORK/timings.err" || true
    # "   0.300 s    123 MiB   1.95 cores  render": CPU seconds = wall x cores (a stage under
    # 50 ms shows no cores: counted as one core's).
    RENDER+=("$(awk '$NF == "render" { c = ($(NF - 1) == "cores") ? $(NF - 2) : 1; print $1 * c }' "$WORK/timings.err")")
done
SOT_CPU=$(printf '%s\n' "${RENDER[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[2] }')
BYTES=$(find "$WORK/build/configs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')

log "exporting each device's template data with sot"
cp -r "$WORK/fleet" "$WORK/export"
EXPORT='{"template": "NAME", "ctx": {"device": {"name": {{ device.name|tojson }}, "interfaces": [{% for i in device.interfaces %}{% if not loop.first %}, {% endif %}{"name": {{ i.name|tojson }}, "mode": {{ i.mode|tojson }}, "untagged_vlan": {% if i.untagged_vlan %}{"vid": {{ i.untagged_vlan.vid|tojson }}}{% else %}null{% endif %}, "link_peer": {% if i.link_peer %}{"name": {{ i.link_peer.name|string|tojson }}, "device": {"name": {{ i.link_peer.device.name|string|tojson }}}}{% else %}null{% endif %}, "ip_addresses": [{% for ip in i.ip_addresses %}{% if not loop.first %}, {% endif %}{"address": {{ ip.address|string|tojson }}}{% endfor %}]}{% endfor %}]}, "ntp_servers": {{ ntp_servers|tojson }}, "eos": {{ (eos if eos is defined else none)|tojson }}, "junos": {{ (junos if junos is defined else none)|tojson }}, "bgp": {{ bgp|tojson }}}}'
for t in "$WORK/export/templates/"*.j2; do
    name=$(basename "$t" .j2)
    printf '%s\n' "${EXPORT//NAME/$name}" >"$t"
done
"$SOT" build "$WORK/export" --out "$WORK/exported" >/dev/null

log "Jinja2 rendering the same templates over the exported data"
"$VENV/bin/python" bench/jinja_render.py "$WORK/fleet/templates" "$WORK/exported/configs" "$WORK/build/configs" | tee "$WORK/py.out"
PY_CPU=$(sed -E 's/.*cpu ([0-9.]+) s.*/\1/' "$WORK/py.out")

echo
echo "## Rendering $N configurations ($(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB of output), CPU time"
echo
echo "| renderer | CPU s | MB/s per core |"
echo "|---|---:|---:|"
awk -v c="$SOT_CPU" -v b="$BYTES" 'BEGIN { printf "| sot (minijinja; render stage of check, median of 3) | %.3f | %.1f |\n", c, b / 1e6 / c }'
awk -v c="$PY_CPU" -v b="$BYTES" 'BEGIN { printf "| Python Jinja2 (render calls only) | %.3f | %.1f |\n", c, b / 1e6 / c }'
awk -v s="$SOT_CPU" -v p="$PY_CPU" 'BEGIN { printf "\nsot renders %.1fx as fast per core (the floor to beat: 5x).\n", p / s }'
echo "sot's figure includes what its templates read through the views (cable peers, addresses, merged contexts); Jinja2's reads plain dicts prepared beforehand."
