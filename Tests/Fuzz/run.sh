#!/usr/bin/env bash
# Coverage-guided fuzzing of the pure modules (ScimCore, ScimFilter, ScimPatch, InternalAPI's query parsers, ProvisioningLog's redaction) with libFuzzer, through
# `swiftc -sanitize=fuzzer,address`. See Tests/Fuzz/README.md.
#
#   bash Tests/Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 60 s, every target in Targets/)
#
# Each target is Targets/<Name>Target.swift (target name: <name> in lower case), fed with a copy of its committed
# seed corpus Corpus/<name>/ in a scratch folder, so the committed corpus never changes. The script exits non-zero if
# any target crashes, trips AddressSanitizer, violates one of its properties, exceeds -timeout (one input) or
# -rss_limit_mb, and prints each failing input; the inputs are also kept in $FUZZ_BUILD_DIR/crashes/<name>/.
#
# Environment:
#   FUZZ_SOURCE_ROOT  the tree whose Shared/ is compiled (default: this repository). Point it at a snapshot
#                     (`git archive HEAD Shared | tar -x -C DIR`) to fuzz committed sources while others edit.
#   FUZZ_BUILD_DIR    build and scratch folder (default: Tests/Fuzz/.build-fuzz, ignored by git)
#   FUZZ_OPT          optimization flag (default: -O)
#   FUZZ_STACK_KB     stack size for the fuzzed process (default: 1024 KiB; see the README)
#   FUZZ_ARGS         extra libFuzzer flags, e.g. "-jobs=2 -workers=2" or "-seed=1"
#   SWIFTC            the compiler (default: swiftc on PATH, else /opt/swift/usr/bin/swiftc)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
shift || true
SOURCE_ROOT="$(cd "${FUZZ_SOURCE_ROOT:-$REPO}" && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$HERE/.build-fuzz}"
OPT="${FUZZ_OPT:--O}"
STACK_KB="${FUZZ_STACK_KB:-1024}"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
SYMBOLIZER="$(dirname "$SWIFTC")/llvm-symbolizer"
[ -x "$SYMBOLIZER" ] || SYMBOLIZER="$(command -v llvm-symbolizer || true)"

# Longest input per target: long enough for a 1,000-term filter or a PATCH of a few dozen operations, short enough
# to keep executions fast.
max_len() {
    case "$1" in
        filter) echo 16384 ;;
        json) echo 16384 ;;
        redact) echo 16384 ;;
        query) echo 8192 ;;
        *) echo 8192 ;;
    esac
}

if (($#)); then
    TARGETS=("$@")
else
    TARGETS=()
    for file in "$HERE"/Targets/*Target.swift; do
        name="$(basename "$file" Target.swift)"
        TARGETS+=("$(echo "$name" | tr '[:upper:]' '[:lower:]')")
    done
fi

target_file() {  # filter -> Targets/FilterTarget.swift, whatever the case of the file name
    local file
    for file in "$HERE"/Targets/*Target.swift; do
        if [ "$(basename "$file" Target.swift | tr '[:upper:]' '[:lower:]')" = "$1" ]; then
            echo "$file"
            return
        fi
    done
    echo "No fuzz target '$1' in $HERE/Targets" >&2
    exit 2
}

# Modules are built like SwiftPM builds them (package access level, the same upcoming features), instrumented for
# coverage and AddressSanitizer. A build is reused while its sources and flags are unchanged.
FLAGS=(-parse-as-library -use-ld=lld -swift-version 6 -package-name provisio "$OPT" -g -sanitize=fuzzer,address
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility)
MODULES="$BUILD/modules"
mkdir -p "$MODULES" "$BUILD/bin"

build_module() {  # name, then module dependencies already built
    local name="$1" sources stamp
    mapfile -t sources < <(find "$SOURCE_ROOT/Shared/$name" -name '*.swift' | LC_ALL=C sort)
    stamp="$( (echo "${FLAGS[*]} $("$SWIFTC" --version 2>&1 | head -1)"; cat "${sources[@]}") | sha256sum | cut -d' ' -f1)"
    if [ -f "$MODULES/$name.stamp" ] && [ "$(cat "$MODULES/$name.stamp")" = "$stamp" ] && [ -f "$MODULES/lib$name.a" ]; then
        return
    fi
    echo "  building module $name (${#sources[@]} files from $SOURCE_ROOT/Shared/$name)"
    rm -f "$MODULES/$name.stamp"
    "$SWIFTC" "${FLAGS[@]}" -module-name "$name" -I "$MODULES" -emit-module -emit-module-path "$MODULES/$name.swiftmodule" \
        -emit-library -static -o "$MODULES/lib$name.a" "${sources[@]}"
    echo "$stamp" >"$MODULES/$name.stamp"
}

build_target() {
    local name="$1" file out stamp
    file="$(target_file "$name")"
    out="$BUILD/bin/fuzz-$name"
    stamp="$( (cat "$MODULES"/*.stamp; cat "$file" "$HERE"/Support/*.swift) | sha256sum | cut -d' ' -f1)"
    if [ -f "$out.stamp" ] && [ "$(cat "$out.stamp")" = "$stamp" ] && [ -x "$out" ]; then
        return
    fi
    echo "  building target $name"
    rm -f "$out.stamp"
    "$SWIFTC" "${FLAGS[@]}" -module-name "Fuzz$(basename "$file" Target.swift)" -I "$MODULES" \
        "$file" "$HERE"/Support/*.swift \
        "$MODULES/libProvisioningLog.a" "$MODULES/libScimPatch.a" "$MODULES/libScimFilter.a" "$MODULES/libInternalAPI.a" \
        "$MODULES/libScimCore.a" -o "$out"
    echo "$stamp" >"$out.stamp"
}

echo "Building fuzz targets ($OPT, sources from $SOURCE_ROOT) into $BUILD"
build_module ScimCore
build_module ScimFilter
build_module ScimPatch
build_module InternalAPI
build_module ProvisioningLog
for name in "${TARGETS[@]}"; do build_target "$name"; done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
# Swift's own crash backtracer would race libFuzzer's and AddressSanitizer's handlers (and trip ASan itself).
export SWIFT_BACKTRACE=enable=no
[ -n "$SYMBOLIZER" ] && export ASAN_SYMBOLIZER_PATH="$SYMBOLIZER"

failed=()
summary=()
for name in "${TARGETS[@]}"; do
    printf '\n--- fuzz target %s: %s s, max_len %s, stack %s KiB\n' "$name" "$SECONDS_PER_TARGET" "$(max_len "$name")" "$STACK_KB"
    scratch="$BUILD/run/$name"
    rm -rf "$scratch"
    mkdir -p "$scratch/corpus" "$scratch/artifacts"
    if [ -d "$HERE/Corpus/$name" ]; then cp -R "$HERE/Corpus/$name/." "$scratch/corpus/"; fi
    dict=()
    [ -f "$HERE/Dictionaries/$name.dict" ] && dict=("-dict=$HERE/Dictionaries/$name.dict")
    status=0
    # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
    (
        cd "$scratch"
        ulimit -s "$STACK_KB"
        exec "$BUILD/bin/fuzz-$name" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$name")" \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/" \
            "${dict[@]}" ${FUZZ_ARGS:-} "$scratch/corpus"
    ) >"$scratch/log" 2>&1 || status=$?
    # The progress lines are long; show the start, the last status line and the final statistics.
    grep -E '^(INFO: (Seed|Loaded|-max_len|Running)|#[0-9]+[[:space:]]+INITED)' "$scratch/log" | head -8 || true
    last="$(grep -E '^#[0-9]+' "$scratch/log" | tail -1 || true)"
    echo "$last"
    grep -E '^(stat::|Done )' "$scratch/log" || true
    execs="$(grep -E '^stat::number_of_executed_units' "$scratch/log" | awk '{print $2}' || true)"
    [ -n "$execs" ] || execs="$(echo "$last" | grep -oE '^#[0-9]+' | tr -d '#' || true)"  # -fork mode prints no stat::
    cov="$(echo "$last" | grep -oE 'cov: [0-9]+' | awk '{print $2}' || true)"
    ft="$(echo "$last" | grep -oE 'ft: [0-9]+' | awk '{print $2}' || true)"
    corp="$(echo "$last" | grep -oE 'corp: [0-9]+(/[0-9]+[a-zA-Z]*)?' | awk '{print $2}' || true)"
    artifacts=("$scratch"/artifacts/*)
    if ((status != 0)) || [ -e "${artifacts[0]}" ]; then
        failed+=("$name")
        summary+=("$name: FAILED (exit $status) after ${execs:-?} executions")
        echo "FAILED: fuzz target $name (libFuzzer exit status $status). Report:"
        # The sanitizer / crash report: from the first error line to the end of the log.
        awk '/^==[0-9]+==|^FUZZ PROPERTY|^Fatal error|^Swift runtime failure|deadly signal|ERROR: libFuzzer/ {p=1} p' \
            "$scratch/log" | head -150
        mkdir -p "$BUILD/crashes/$name"
        for artifact in "${artifacts[@]}"; do
            [ -e "$artifact" ] || continue
            cp "$artifact" "$BUILD/crashes/$name/"
            printf '\nFailing input %s (%s bytes), kept as %s:\n' "$(basename "$artifact")" "$(wc -c <"$artifact")" \
                "$BUILD/crashes/$name/$(basename "$artifact")"
            head -c 2000 "$artifact" | cat -v
            printf '\nbase64: '
            head -c 3000 "$artifact" | base64 -w0
            echo
        done
        echo "Reproduce: (ulimit -s $STACK_KB; SWIFT_BACKTRACE=enable=no $BUILD/bin/fuzz-$name <input file>)   (full log: $scratch/log)"
    else
        summary+=("$name: ok, ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}")
    fi
done

printf '\n==> Fuzzing summary (%s s per target)\n' "$SECONDS_PER_TARGET"
printf '%s\n' "${summary[@]}" | tee "$BUILD/summary.txt"
if ((${#failed[@]})); then
    echo "Fuzzing failed: ${failed[*]}" >&2
    exit 1
fi
