#!/usr/bin/env bash
# tests/fuzz/run_all.sh [SECONDS] - builds the libFuzzer targets with clang
# (ASan+UBSan, the library instrumented for coverage) and runs every one for
# SECONDS (default $LW_FUZZ_SECONDS, else 60: the normal CI run; a manual or
# scheduled long run sets LW_FUZZ_SECONDS=3600), at most nproc at a time, starting from its seed
# corpus in tests/fuzz/corpus/<name>/. Prints the executions of each target
# and fails if any found a crash, a leak, a timeout or an out-of-memory.
#
# Inputs a run discovers go to $BUILD/fuzz-work/<name>/corpus (the checkout
# is not written to); a crashing input is saved in
# $BUILD/fuzz-work/<name>/artifacts/ and can be replayed by the ordinary
# build: build/tests/fuzz/<name>_replay FILE.
#
# Environment: LW_FUZZ_SECONDS (seconds per target when no argument is
# given), LW_FUZZ_BUILD (build directory, default build-fuzz),
# LW_FUZZ_JOBS (targets run at once, default nproc), LW_FUZZ_TARGETS (a
# space-separated subset).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

secs=${1:-${LW_FUZZ_SECONDS:-60}}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
build=${LW_FUZZ_BUILD:-build-fuzz}
case $build in /*) ;; *) build="$PWD/$build" ;; esac
jobs=${LW_FUZZ_JOBS:-$(nproc)}
targets=(${LW_FUZZ_TARGETS:-rules config ignore baseline hookinput matcher escape objreader report packedrefs index import archive})

# -max_len per target: room for what each parser reads. The matcher's must
# pass 8192 bytes, where the keyword automaton switches to two streams.
max_len() {
	case $1 in
	hookinput) echo 12288 ;;
	matcher) echo 20000 ;;
	report) echo 8192 ;;
	objreader) echo 8192 ;;
	index) echo 40000 ;;
	archive) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

# extra flags: the hook and import parsers report bad input on stderr; libFuzzer keeps
# its own output and the sanitizers' reports when the target's is closed
extra_flags() {
	case $1 in
	hookinput|import) echo -close_fd_mask=2 ;;
	esac
}

# clang and its fuzzer runtime (Debian ships it apart: libclang-rt-NN-dev)
have_libfuzzer() {
	local probe
	probe=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$probe/p.c"
	clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1
	local rc=$?
	rm -rf "$probe"
	return $rc
}
if ! command -v clang >/dev/null; then
	echo "run_all.sh: clang is needed (apt-get install clang)" >&2
	exit 2
fi
if ! have_libfuzzer; then
	ver=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	echo "== installing libclang-rt-$ver-dev (libFuzzer runtime)"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get install -y -qq "libclang-rt-$ver-dev" >/dev/null || true
	if ! have_libfuzzer; then
		echo "run_all.sh: clang cannot link -fsanitize=fuzzer" >&2
		exit 2
	fi
fi

echo "== build ($build, clang, -DLW_FUZZ=ON)"
CC=clang cmake -S . -B "$build" -DLW_FUZZ=ON -DLW_BUILD_TESTS=ON >/dev/null || exit 2
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}" >"$build/fuzz-build.log" 2>&1 || {
	tail -50 "$build/fuzz-build.log"
	exit 2
}

run_one() {
	local t=$1 work="$build/fuzz-work/$1"
	rm -rf "$work/artifacts"
	mkdir -p "$work/corpus" "$work/artifacts"
	# the empty $work/corpus first: libFuzzer adds what it finds to the first dir
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$build/tests/fuzz/${t}_fuzzer" -max_total_time="$secs" -max_len="$(max_len "$t")" \
		-timeout=25 -rss_limit_mb=2048 -print_final_stats=1 $(extra_flags "$t") \
		-artifact_prefix="$work/artifacts/" "$work/corpus" "tests/fuzz/corpus/$t" \
		>"$work/log" 2>&1
	echo $? >"$work/rc"
}

echo "== fuzzing ${#targets[@]} targets for ${secs}s each, $jobs at a time"
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$t" &
done
wait

failed=0
printf '%-12s %12s %8s  %s\n' target execs "exec/s" result
for t in "${targets[@]}"; do
	work="$build/fuzz-work/$t"
	rc=$(cat "$work/rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
	if [ "$rc" = 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc)"
		failed=1
	fi
	printf '%-12s %12s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$result"
done
if [ "$failed" != 0 ]; then
	for t in "${targets[@]}"; do
		work="$build/fuzz-work/$t"
		[ "$(cat "$work/rc" 2>/dev/null)" = 0 ] && continue
		echo
		echo "== $t: last lines of $work/log"
		grep -v '^#[0-9]' "$work/log" | tail -40
		ls "$work/artifacts/" 2>/dev/null | sed "s|^|   reproducer: $work/artifacts/|"
	done
	exit 1
fi
