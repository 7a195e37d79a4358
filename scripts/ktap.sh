# SPDX-License-Identifier: GPL-2.0
# ktap.sh - KTAP results for ksym_verify's scripts, after the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh.  Source it.
#
#   ktap_header                 "KTAP version 1"
#   ktap_result OK NAME [WHY]   OK is 1 (pass), "skip", or anything else
#                               (fail: an empty OK is a failed test)
#   ktap_pass NAME [WHY], ktap_fail NAME [WHY], ktap_skip NAME [WHY]
#   ktap_subtest NAME           open a subtest: its results are indented
#                               and counted apart
#   ktap_subtest_end NAME [WHY] close it: its plan, then one result in the
#                               parent, passed when none of its own failed
#   ktap_add LOG                add the closing "N passed, N failed" line of
#                               another run's LOG (none: one failure)
#   ktap_plan                   "1..N" for the results so far
#   ktap_totals                 "N passed, N failed[, N skipped]"
#   ktap_ok                     true when nothing failed
#   ktap_stage NAME             print "# === NAME" and start timing it
#   ktap_stage_table            the time of every stage, as a table
#
# A skip under CI=true is a failure: CI never counts a skip as a pass.

KTAP_NUM=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_IND="" KTAP_SAVED=""
KTAP_STAGES=() KTAP_STAGE="" KTAP_STAGE_T0=0 KTAP_T0=$(date +%s)

ktap_header() {
	echo "${KTAP_IND}KTAP version 1"
}

ktap_result() {
	local ok=$1 name=$2 why=${3:-}

	KTAP_NUM=$((KTAP_NUM + 1))
	if [ "$ok" = skip ] && [ "${CI:-}" = true ]; then
		ok=0 why="$why (CI may not skip)"
	fi
	case $ok in
	1)
		KTAP_PASS=$((KTAP_PASS + 1))
		echo "${KTAP_IND}ok $KTAP_NUM $name${why:+ # $why}" ;;
	skip)
		KTAP_SKIP=$((KTAP_SKIP + 1))
		echo "${KTAP_IND}ok $KTAP_NUM $name # SKIP $why" ;;
	*)
		KTAP_FAIL=$((KTAP_FAIL + 1))
		echo "${KTAP_IND}not ok $KTAP_NUM $name${why:+ # $why}" ;;
	esac
}

ktap_pass() { ktap_result 1 "$@"; }
ktap_fail() { ktap_result 0 "$@"; }
ktap_skip() { ktap_result skip "$@"; }

ktap_subtest() {
	KTAP_SAVED="$KTAP_NUM $KTAP_PASS $KTAP_FAIL $KTAP_SKIP"
	KTAP_NUM=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_IND="    "
	ktap_header
	echo "${KTAP_IND}# Subtest: $1"
}

ktap_subtest_end() {
	local failed=$KTAP_FAIL

	ktap_plan
	KTAP_IND=""
	read -r KTAP_NUM KTAP_PASS KTAP_FAIL KTAP_SKIP <<<"$KTAP_SAVED"
	ktap_result "$([ "$failed" = 0 ] && echo 1)" "$1" "${2:-}"
}

ktap_add() {
	local line p f

	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" 2>/dev/null | tail -n 1)
	p=${line%% passed*}
	f=${line#* passed, }
	f=${f%% failed*}
	if [ -z "$line" ]; then
		echo "# $1 has no summary line"
		KTAP_FAIL=$((KTAP_FAIL + 1))
	else
		KTAP_PASS=$((KTAP_PASS + p)) KTAP_FAIL=$((KTAP_FAIL + f))
	fi
}

ktap_plan() {
	echo "${KTAP_IND}1..$KTAP_NUM"
}

ktap_totals() {
	if [ "$KTAP_SKIP" -gt 0 ]; then
		echo "$KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped"
	else
		echo "$KTAP_PASS passed, $KTAP_FAIL failed"
	fi
}

ktap_ok() {
	[ "$KTAP_FAIL" = 0 ]
}

ktap_stage() {
	local now

	now=$(date +%s)
	[ -n "$KTAP_STAGE" ] &&
		KTAP_STAGES+=("$((now - KTAP_STAGE_T0))	$KTAP_STAGE")
	KTAP_STAGE=$1 KTAP_STAGE_T0=$now
	[ -n "$1" ] && echo "# === $1"
	return 0
}

ktap_stage_table() {
	local row total

	ktap_stage ""
	total=$(($(date +%s) - KTAP_T0))
	echo "# time per stage (s):"
	for row in "${KTAP_STAGES[@]}"; do
		printf '# %6s  %s\n' "${row%%	*}" "${row#*	}"
	done
	printf '# %6s  %s\n' "$total" "total ($((total / 60)) min $((total % 60)) s)"
}
