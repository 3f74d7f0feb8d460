#!/usr/bin/env bash
# End-to-end timings of `sot check`, `sot build` and `sot diff` on generated fleets, next to
# the floor (`examples/parse_only.rs`: the YAML parse alone, and the general parser alone
# with --raw). See docs/performance.md.
#
#   bash bench/run.sh                 # N = 1000 10000 100000 devices
#   RUNS=3 bash bench/run.sh 1000 10000
#
# Environment:
#   RUNS=5       timed runs per command: the table shows the median wall time and the
#                largest peak RSS of those runs
#   WARMUP=1     untimed runs per command before them
#   SEED=1       the fleet generator's seed
#   TSV=FILE     also append one tab-separated row per measurement to FILE
#   COMMANDS="check build parse raw diff"
#                which measurements to take (a subset, e.g. COMMANDS="check parse raw")
#   STYLES=flow  the style matrix: which styles to write each fleet in (examples/fleet.rs
#                --style: flow colon single double block multiline-flow anchors comments crlf
#                block-scalars; and two layouts of the flow style: per-device, one-file), or
#                STYLES=all for every one. Each style gets its table, the stage timings of one
#                `sot check --timings`, and a line in the matrix at the end.
#   CHECK_ONLY_FROM=N  sizes of N devices or more measure `check` alone (and `raw`, the
#                general parser's floor, if COMMANDS has it): the 100,000-device matrix
#                in minutes rather than an hour
#   CARGO_TARGET_DIR   where cargo puts the binaries (default: ./target)
#
# The quiet-machine matrix (docs/performance.md), about 25 minutes on 2 cores:
#   STYLES=all RUNS=3 CHECK_ONLY_FROM=100000 bash bench/run.sh 1000 10000 100000
#
# N=100000 works but takes minutes (the fleet is ~2,500 files, ~350 MB; every command runs
# WARMUP+RUNS times). Before optimisation `sot diff` there needs far more memory than check:
# `COMMANDS="check build parse raw" RUNS=1 bash bench/run.sh 100000` leaves it out.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SEED=${SEED:-1}
TSV=${TSV:-}
COMMANDS=${COMMANDS:-check build parse raw diff}
STYLES=${STYLES:-flow}
[ "$STYLES" = all ] && STYLES="flow colon single double block multiline-flow anchors comments crlf block-scalars per-device one-file"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 100000); fi

die() {
    echo "bench/run.sh: $*" >&2
    exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer (got '$WARMUP')"
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "device counts must be positive integers (got '$n')"
done
for c in $COMMANDS; do
    case $c in check | build | parse | raw | diff) ;; *) die "unknown command '$c' in COMMANDS (check build parse raw diff)" ;; esac
done
CHECK_ONLY_FROM=${CHECK_ONLY_FROM:-}
[ -z "$CHECK_ONLY_FROM" ] || [[ $CHECK_ONLY_FROM =~ ^[1-9][0-9]*$ ]] ||
    die "CHECK_ONLY_FROM must be a positive integer (got '$CHECK_ONLY_FROM')"
# want CMD: whether to measure CMD at the current size N.
want() {
    [[ " $COMMANDS " == *" $1 "* ]] || return 1
    [ -z "$CHECK_ONLY_FROM" ] || [ "${N:-0}" -lt "$CHECK_ONLY_FROM" ] || [ "$1" = check ] || [ "$1" = raw ]
}
for st in $STYLES; do
    case $st in flow | colon | single | double | block | multiline-flow | anchors | comments | crlf | block-scalars | per-device | one-file) ;;
    *) die "unknown style '$st' in STYLES" ;;
    esac
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required for wall time and peak RSS: apt-get install time"
/usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null ||
    die "/usr/bin/time does not accept -f/-o: GNU time is required (apt-get install time)"
command -v git >/dev/null || die "git is required"
command -v cargo >/dev/null || die "cargo is required"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sot-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

log "building (cargo build --release --bins --examples)"
if ! cargo build --release --bins --examples >"$WORK/cargo.log" 2>&1; then
    cat "$WORK/cargo.log" >&2
    die "cargo build failed"
fi
SOT=$TARGET_DIR/release/sot
FLEET=$TARGET_DIR/release/examples/fleet
PARSE=$TARGET_DIR/release/examples/parse_only
for bin in "$SOT" "$FLEET" "$PARSE"; do
    [ -x "$bin" ] || die "$bin was not built (is CARGO_TARGET_DIR right?)"
done

# run_once LOG CMD...: run CMD under /usr/bin/time; stdout to LOG.out, stderr to LOG.err.
# Appends "wall-seconds peak-kib user-seconds system-seconds" to LOG.times. Fails the script, showing stderr, if CMD exits non-zero.
run_once() {
    local log=$1
    shift
    local status=0
    /usr/bin/time -f '%e %M %U %S' -o "$log.time" -- "$@" >"$log.out" 2>"$log.err" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "bench/run.sh: command failed (exit $status): $*" >&2
        echo "--- stderr:" >&2
        tail -n 50 "$log.err" >&2
        echo "--- stdout (last 20 lines):" >&2
        tail -n 20 "$log.out" >&2
        exit 1
    fi
    # GNU time writes "Command exited with non-zero status" lines before the format line.
    tail -n 1 "$log.time" >>"$log.times"
}

# median: the median of the numbers on standard input.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME CMD...: WARMUP untimed runs, RUNS timed ones. Sets MED_S, MIN_S, MAX_S
# (wall seconds), CPU_S (median user+system seconds) and PEAK_KIB (the largest peak RSS).
measure() {
    local name=$1
    shift
    local log=$WORK/$name
    rm -f "$log.times"
    local i
    for ((i = 1; i <= WARMUP; i++)); do
        log "  $name: warm-up $i/$WARMUP"
        run_once "$log" "$@"
    done
    rm -f "$log.times"
    for ((i = 1; i <= RUNS; i++)); do
        log "  $name: run $i/$RUNS"
        run_once "$log" "$@"
    done
    MED_S=$(cut -d' ' -f1 "$log.times" | median)
    CPU_S=$(awk '{ print $3 + $4 }' "$log.times" | median)
    MIN_S=$(cut -d' ' -f1 "$log.times" | sort -g | head -n 1)
    MAX_S=$(cut -d' ' -f1 "$log.times" | sort -g | tail -n 1)
    PEAK_KIB=$(cut -d' ' -f2 "$log.times" | sort -g | tail -n 1)
}

# Rows of the current table: "label<TAB>median<TAB>min<TAB>max<TAB>cpu<TAB>kib".
ROWS=()
row() {
    ROWS+=("$1"$'\t'"$MED_S"$'\t'"$MIN_S"$'\t'"$MAX_S"$'\t'"$CPU_S"$'\t'"$PEAK_KIB")
    if [ -n "$TSV" ]; then
        # devices, command, median s, min s, max s, median CPU s, peak KiB, YAML bytes, runs
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$N" "$1" "$MED_S" "$MIN_S" "$MAX_S" "$CPU_S" "$PEAK_KIB" "$YAML_BYTES" "$RUNS" >>"$TSV"
    fi
}

# The machine's speed, measured in this run before and after the fleets: a fixed job on one
# core that sot's changes do not touch (gzip of a counted sequence), so that figures from two
# runs can be scaled to each other, and a machine that got busier during the run shows.
reference() {
    /usr/bin/time -f '%e %U' -o "$WORK/ref.time" sh -c 'seq 1 20000000 | gzip -1 >/dev/null' ||
        die "the reference job failed"
    tail -n 1 "$WORK/ref.time"
}
log "reference job (seq | gzip -1, one core)"
REF_BEFORE=$(reference)

SUMMARY=()
MATRIX=()
STAGES=()
for N in "${SIZES[@]}"; do
for STYLE in $STYLES; do
    DIR=$WORK/fleet-$N
    OUT=$WORK/out-$N
    case $STYLE in
    per-device) STYLE_ARGS=(--layout device) ;;
    one-file) STYLE_ARGS=(--layout one) ;;
    *) STYLE_ARGS=(--style "$STYLE") ;;
    esac
    log "N=$N, style $STYLE: generating the fleet"
    if ! "$FLEET" --devices "$N" --out "$DIR" --seed "$SEED" "${STYLE_ARGS[@]}" >"$WORK/fleet.log" 2>&1; then
        cat "$WORK/fleet.log" >&2
        die "the fleet generator failed"
    fi
    (
        cd "$DIR"
        git init -q
        git add -A
        git -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false commit -qm base
    ) || die "could not make $DIR a git repository"
    FILES=$(find "$DIR/inventory" "$DIR/device-types" -type f -name '*.yaml' | wc -l)
    YAML_BYTES=$(find "$DIR/inventory" "$DIR/device-types" -type f -name '*.yaml' -printf '%s\n' |
        awk '{ s += $1 } END { print s + 0 }')
    log "N=$N: $FILES YAML files, $YAML_BYTES bytes"

    ROWS=()
    CHECK_S="" CHECK_KIB="" BUILD_S="" BUILD_KIB="" DIFF_S="" DIFF_KIB="" RAW_S="" PARSE_S="" PARSE_LINE="" RAW_LINE=""
    if want check; then
        measure check "$SOT" check "$DIR" --format json
        row "sot check"
        CHECK_S=$MED_S CHECK_KIB=$PEAK_KIB
    fi
    if want build; then
        measure build "$SOT" build "$DIR" --out "$OUT"
        [ -f "$OUT/manifest.json" ] || die "sot build wrote no $OUT/manifest.json"
        row "sot build"
        BUILD_S=$MED_S BUILD_KIB=$PEAK_KIB
        rm -rf "$OUT"
    fi
    if want parse; then
        measure parse "$PARSE" "$DIR"
        row "parse_only (sot::yaml)"
        PARSE_S=$MED_S
        PARSE_LINE=$(head -n 1 "$WORK/parse.out")
    fi
    if want raw; then
        measure raw "$PARSE" "$DIR" --raw
        row "parse_only --raw (saphyr)"
        RAW_S=$MED_S
        RAW_LINE=$(tail -n 1 "$WORK/raw.out")
    fi
    if want diff; then
        if [ "$STYLE" = flow ]; then
            # One changed file: a new VLAN in the first site (its group allows 100-199;
            # 100, 110, 120 and 130 are taken), and a new BGP AS number in the site's context,
            # which changes the configuration of every device of the site.
            SITE=$DIR/inventory/sites/site0000.yaml
            [ -f "$SITE" ] || die "$SITE not found: did the fleet generator change?"
            sed -i -e '/^vlans:$/a\  - {vid: 190, name: v190, group: site0000-vlans}' -e 's/{local_as: 64512,/{local_as: 64999,/' "$SITE"
            grep -q '^  - {vid: 190, name: v190, group: site0000-vlans}$' "$SITE" || die "could not add a VLAN to $SITE"
            grep -q '{local_as: 64999,' "$SITE" || die "could not change the AS number in $SITE"
        else
            # Other styles: the first site's BGP AS number, in whichever file holds it.
            # (The key may be quoted.)
            SITE=$(grep -rlE "local_as['\"]?: 64512" "$DIR/inventory" | sort | head -n 1)
            [ -n "$SITE" ] || die "no file holds the first site's AS number"
            sed -i -E "0,/local_as(['\"]?): 64512/s//local_as\1: 64999/" "$SITE"
        fi
        [ "$(git -C "$DIR" status --porcelain | wc -l)" -eq 1 ] || die "expected exactly one changed file in $DIR"
        measure diff bash -c 'cd "$1" && exec "$2" diff HEAD --format json' diff "$DIR" "$SOT"
        [ "$STYLE" != flow ] || grep -q 'v190' "$WORK/diff.out" || die "sot diff did not report the new VLAN (output in $WORK/diff.out)"
        grep -q 'router bgp 64999' "$WORK/diff.out" || die "sot diff did not report the new AS number (output in $WORK/diff.out)"
        row "sot diff HEAD (1 file changed)"
        DIFF_S=$MED_S DIFF_KIB=$PEAK_KIB
    fi

    TIMINGS=""
    if want check; then
        # One more run, for the stages: a stage that grows faster than N shows across sizes.
        git -C "$DIR" checkout -q -- . 2>/dev/null || true
        "$SOT" check "$DIR" --format json --timings >/dev/null 2>"$WORK/timings.err" || true
        TIMINGS=$(grep -E '^ +[0-9.]+ s ' "$WORK/timings.err" || true)
        # "   0.300 s    123 MiB   1.95 cores  render": CPU seconds = wall x cores (a stage
        # under 50 ms shows no cores: its wall time counts as one core's).
        while IFS=$'\t' read -r stage wall cpu; do
            STAGES+=("$N"$'\t'"$STYLE"$'\t'"$stage"$'\t'"$wall"$'\t'"$cpu")
        done < <(awk '{ wall = $1; cores = 1; name = ""; k = 3
                 for (i = 2; i <= NF; i++) if ($i == "cores") { cores = $(i - 1); k = i + 1 }
                 else if ($i == "MiB") { k = i + 1 }
                 for (i = k; i <= NF; i++) name = name (name == "" ? "" : " ") $i
                 printf "%s\t%s\t%.3f\n", name, wall, wall * cores }' <<<"$TIMINGS")
    fi

    rm -rf "$DIR"

    echo
    echo "## N = $N devices, style $STYLE: $FILES YAML files, $(awk -v b="$YAML_BYTES" 'BEGIN { printf "%.2f", b / 1e6 }') MB of YAML; median of $RUNS runs"
    echo
    printf '| %-32s | %8s | %13s | %7s | %8s | %7s |\n' "command" "median s" "min-max s" "CPU s" "peak MiB" "MB/s"
    echo "|----------------------------------|---------:|--------------:|--------:|---------:|--------:|"
    for r in "${ROWS[@]}"; do
        IFS=$'\t' read -r label s lo hi cpu kib <<<"$r"
        awk -v l="$label" -v s="$s" -v lo="$lo" -v hi="$hi" -v cpu="$cpu" -v k="$kib" -v b="$YAML_BYTES" 'BEGIN {
            tput = (s > 0) ? sprintf("%.1f", b / 1e6 / s) : "n/a"
            printf "| %-32s | %8.2f | %13s | %7.2f | %8.0f | %7s |\n", l, s, sprintf("%.2f-%.2f", lo, hi), cpu, k / 1024, tput }'
    done
    echo
    [ -z "$PARSE_LINE" ] || echo "In-process parse time (files already read), sot::yaml: $PARSE_LINE"
    [ -z "$RAW_LINE" ] || echo "In-process parse time (files already read), raw:       $RAW_LINE"
    echo "MB/s: YAML bytes (inventory/, device-types/) / median wall time; diff reads the inventory twice (HEAD, working tree)."
    echo "CPU s: median user+system time; wall time close to CPU s means little parallelism ($(nproc) CPUs here)."
    if [ -n "$TIMINGS" ]; then
        echo
        echo "Stages of one \`sot check --timings\` (wall time, resident memory at the end, cores busy):"
        echo
        echo '```'
        echo "$TIMINGS"
        echo '```'
    fi
    MATRIX+=("$N"$'\t'"$STYLE"$'\t'"$YAML_BYTES"$'\t'"$CHECK_S"$'\t'"$BUILD_S"$'\t'"$DIFF_S"$'\t'"$PARSE_S"$'\t'"$RAW_S")
    [ "$STYLE" = "${STYLES%% *}" ] || continue
    SUMMARY+=("$N"$'\t'"$CHECK_S"$'\t'"$CHECK_KIB"$'\t'"$BUILD_S"$'\t'"$BUILD_KIB"$'\t'"$DIFF_S"$'\t'"$DIFF_KIB"$'\t'"$RAW_S"$'\t'"$PARSE_S")
done

done

if [ "${#MATRIX[@]}" -gt 1 ]; then
    echo
    echo "## Style matrix (median wall seconds; x: check over the fastest style's check at that N)"
    echo
    printf '| %7s | %-15s | %7s | %8s | %8s | %8s | %9s | %9s | %6s |\n' N style MB check build diff "parse s" "raw s" x
    echo "|--------:|-----------------|--------:|---------:|---------:|---------:|----------:|----------:|-------:|"
    for r in "${MATRIX[@]}"; do
        IFS='|' read -r n st b c bu d p ra <<<"${r//$'\t'/|}"
        best=$(for q in "${MATRIX[@]}"; do IFS='|' read -r n2 _ _ c2 _ <<<"${q//$'\t'/|}"; if [ "$n2" = "$n" ] && [ -n "$c2" ]; then echo "$c2"; fi; done | sort -g | head -n 1)
        awk -v n="$n" -v st="$st" -v b="$b" -v c="$c" -v bu="$bu" -v d="$d" -v p="$p" -v ra="$ra" -v best="$best" 'BEGIN {
            x = (c != "" && best > 0) ? sprintf("%.2f", c / best) : "-"
            printf "| %7d | %-15s | %7.1f | %8s | %8s | %8s | %9s | %9s | %6s |\n", n, st, b / 1e6, c, bu, d, p, ra, x }'
    done
    echo
    echo "Target: every style's check within 1.25x of the fastest, and no slower than the general parser alone (raw)."
fi

if [ "${#STAGES[@]}" -gt 0 ] && [ "${#SIZES[@]}" -gt 1 ]; then
    echo
    echo "## Stages of \`sot check\` across sizes: CPU seconds (user+system), and µs of CPU per device"
    echo
    echo "A linear stage keeps its µs per device from size to size; the last column is the"
    echo "largest size's µs per device over the smallest's (1.0 is linear)."
    echo
    printf '%s\n' "${STAGES[@]}" | awk -F'\t' -v sizes="${SIZES[*]}" '
        { key = $2 "\t" $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
          cpu[key, $1] = $5 }
        END {
            m = split(sizes, S, " ")
            printf "| style | stage |"; for (j = 1; j <= m; j++) printf " N=%s |", S[j]; printf " growth |\n"
            printf "|---|---|"; for (j = 1; j <= m; j++) printf "---:|"; printf "---:|\n"
            for (i = 1; i <= n; i++) {
                split(order[i], kk, "\t"); printf "| %s | %s |", kk[1], kk[2]
                for (j = 1; j <= m; j++) {
                    c = cpu[order[i], S[j]]
                    if (c == "") printf " - |"; else printf " %.2f s (%.1f µs) |", c, c * 1e6 / S[j]
                }
                a = cpu[order[i], S[1]]; b = cpu[order[i], S[m]]
                if (a > 0 && b != "") printf " %.2f |\n", (b / S[m]) / (a / S[1]); else printf " - |\n"
            }
        }'
    echo
    echo "Stages under 0.05 s carry no core count: their wall time is counted as one core's."
fi

echo
echo "## Against the targets (docs/performance.md)"
echo
for s in "${SUMMARY[@]}"; do
    # Empty fields (commands left out by COMMANDS) are kept by reading with a non-whitespace IFS.
    IFS='|' read -r n check_s check_kib build_s build_kib diff_s diff_kib raw_s parse_s <<<"${s//$'\t'/|}"
    awk -v n="$n" -v c="$check_s" -v ck="$check_kib" -v b="$build_s" -v bk="$build_kib" \
        -v d="$diff_s" -v dk="$diff_kib" -v r="$raw_s" -v p="$parse_s" 'BEGIN {
        ok = "ok"; miss = "MISSED"
        printf "N=%d:", n
        if (c != "") printf " check %.1f us/device", c * 1e6 / n
        if (c != "" && r != "" && c > 0) printf ", check throughput %.0f%% of raw parse (the general parser)", 100 * r / c
        if (c != "" && p != "" && c > 0) printf ", %.0f%% of sot::yaml parse (its fast path)", 100 * p / c
        printf "\n"
        if (n == 10000) {
            if (c != "") printf "  check <= 1.0 s: %.2f s %s\n", c, (c <= 1.0 ? ok : miss)
            if (b != "") printf "  build <= 2.5 s: %.2f s %s\n", b, (b <= 2.5 ? ok : miss)
            if (d != "") printf "  diff (1 file changed) <= 2 s: %.2f s %s\n", d, (d <= 2.0 ? ok : miss)
            m = 0; line = ""
            if (ck != "") { line = line sprintf(" check %.0f", ck / 1024); if (ck + 0 > m) m = ck + 0 }
            if (bk != "") { line = line sprintf(" build %.0f", bk / 1024); if (bk + 0 > m) m = bk + 0 }
            if (dk != "") { line = line sprintf(" diff %.0f", dk / 1024); if (dk + 0 > m) m = dk + 0 }
            if (line != "") printf "  peak memory <= 1024 MiB:%s MiB %s\n", line, (m <= 1048576 ? ok : miss)
            if (c != "" && r != "" && c > 0) printf "  check throughput >= 50%% of raw parse: %s\n", (r / c >= 0.5 ? ok : miss)
        }
        if (n == 100000 && c != "") printf "  check <= 12 s: %.2f s %s\n", c, (c <= 12 ? ok : miss)
    }'
done

REF_AFTER=$(reference)
echo
echo "## Machine"
echo
echo "- reference job (\`seq 1 20000000 | gzip -1\`, one core; wall and user seconds): before the fleets ${REF_BEFORE}, after ${REF_AFTER}"
echo "- CPUs (nproc): $(nproc)"
echo "- model: $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(rustc --version)"
echo "- sot at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"

# `sot site` of a 10,000-device fleet (docs/site.md): wall time, peak memory, size and pages.
# SITE=0 leaves it out.
if [ "${SITE:-1}" != 0 ]; then
    echo
    echo "## sot site (10,000 devices)"
    echo
    "$FLEET" --devices 10000 --out "$WORK/site-fleet" --seed "$SEED" >"$WORK/site-fleet.log" 2>&1 || die "the fleet generator failed"
    /usr/bin/time -f '%e %M' -o "$WORK/site.time" "$SOT" site "$WORK/site-fleet" --out "$WORK/site-out" >/dev/null 2>"$WORK/site.err" || { cat "$WORK/site.err" >&2; die "sot site failed"; }
    read -r site_s site_kib <"$WORK/site.time"
    echo "- sot site: ${site_s} s, peak $((site_kib / 1024)) MiB, $(du -sm "$WORK/site-out" | cut -f1) MiB in $(find "$WORK/site-out" -name '*.html' | wc -l) pages (index.html $(($(wc -c <"$WORK/site-out/index.html") / 1024)) KiB)"
fi
