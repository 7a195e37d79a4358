#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh - install ksym_verify the way users install out-of-tree
# modules: Debian's dkms adds the sources (dkms.conf), then builds and
# installs the module for two kernels side by side (Debian's 6.1 and
# 6.12 amd64 headers, unpacked in the cache), and removes it again.
#
# dkms runs on private trees under a scratch directory (--sourcetree,
# --dkmstree, --installtree): the machine's /usr/src and /lib/modules are
# not touched.  Debian's dkms signs what it builds with a key it makes on
# first use (/var/lib/dkms/mok.key, .pub); when this test made it, it is
# removed again.  Output is KTAP, then "N passed, N failed".
#
# Usage: scripts/dkms-test.sh [KVER...]   (default: 6.1 6.12)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"

kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || kvers=(6.1 6.12)

ktap_header
if ! command -v dkms >/dev/null; then
	ktap_fail dkms_installed "dkms not found (scripts/setup.sh installs it)"
	ktap_plan
	ktap_totals
	exit 1
fi
ver=$(awk -F'"' '/^PACKAGE_VERSION=/ { print $2 }' "$top/dkms.conf")
t=$(mktemp -d)
mok=/var/lib/dkms/mok
had_mok=0
[ -e $mok.key ] && had_mok=1
cleanup() {
	rm -rf "$t"
	[ $had_mok = 1 ] || rm -f $mok.key $mok.pub
}
trap cleanup EXIT
src=$t/src/ksym_verify-$ver
mkdir -p "$src" "$t/dkms" "$t/lib"
# what dkms needs to build, and nothing of the repository's build output
cp "$top"/Kbuild "$top"/Makefile "$top"/dkms.conf "$top"/*.c "$top"/*.h "$src/"
opts=(--sourcetree "$t/src" --dkmstree "$t/dkms" --installtree "$t/lib")
# dkms runs make in its copy: nothing of this run's environment (B=, the
# build directory of make test) may reach it
unset B
echo "# dkms $(dkms --version 2>&1 | sed 's/^dkms-//'), ksym_verify $ver, private trees under $t"

if dkms add -m ksym_verify -v "$ver" "${opts[@]}" >"$t/add.log" 2>&1; then
	ktap_pass dkms_add
else
	ktap_fail dkms_add "$(tail -n 3 "$t/add.log" | tr '\n' ' ')"
fi

rels=()
for kver in "${kvers[@]}"; do
	name=${kver//./_}
	if ! debian_kernel x86_64 "$kver" >"$t/fetch-$name.log" 2>&1; then
		ktap_fail "dkms_build_$name" "no Debian $kver headers: $(tail -n 1 "$t/fetch-$name.log")"
		continue
	fi
	rels+=("$K_REL")
	mkdir -p "$t/lib/$K_REL"
	if dkms build -m ksym_verify -v "$ver" -k "$K_REL" \
		--kernelsourcedir "$K_DIR" "${opts[@]}" >"$t/build-$name.log" 2>&1; then
		ktap_pass "dkms_build_$name"
	else
		sed 's/^/# /' "$t/build-$name.log" | tail -n 15
		ktap_fail "dkms_build_$name" "dkms build for $K_REL failed"
		continue
	fi
	# dkms compresses it as the kernel's modules are (6.12: xz)
	d=$t/lib/$K_REL/updates/dkms
	if dkms install -m ksym_verify -v "$ver" -k "$K_REL" --no-depmod \
		"${opts[@]}" >"$t/install-$name.log" 2>&1 &&
	   ko=$(ksym_first "$d/ksym-verify.ko" "$d/ksym-verify.ko.xz" "$d/ksym-verify.ko.zst"); then
		ktap_pass "dkms_install_$name"
	else
		sed 's/^/# /' "$t/install-$name.log" | tail -n 15
		ktap_fail "dkms_install_$name" "no ksym-verify.ko in $d after dkms install"
		continue
	fi
	# the installed module is ksym_verify, built for that kernel
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	mn=$(modinfo -F name "$ko" 2>/dev/null)
	if [ "$mn" = ksym_verify ] && [ "${vm%% *}" = "$K_REL" ]; then
		ktap_pass "dkms_module_$name"
		echo "# $K_REL: updates/dkms/$(basename "$ko"), name $mn, vermagic $vm"
	else
		ktap_fail "dkms_module_$name" "name '$mn', vermagic '$vm' (want ksym_verify, $K_REL)"
	fi
done

# both kernels at once, as dkms status lists them
st=$(dkms status -m ksym_verify "${opts[@]}" 2>&1)
echo "$st" | sed 's/^/# /'
n=0
for rel in "${rels[@]}"; do
	ksym_has "$st" "$rel" && [[ $st == *installed* ]] && n=$((n + 1))
done
if [ ${#rels[@]} -eq ${#kvers[@]} ] && [ "$n" = ${#kvers[@]} ]; then
	ktap_pass dkms_status_both_kernels
else
	ktap_fail dkms_status_both_kernels "$n of ${#kvers[@]} kernels installed"
fi
if dkms remove -m ksym_verify -v "$ver" --all "${opts[@]}" >"$t/remove.log" 2>&1 &&
   [ -z "$(find "$t/lib" -name 'ksym-verify.ko*')" ]; then
	ktap_pass dkms_remove
else
	ktap_fail dkms_remove "$(tail -n 3 "$t/remove.log" | tr '\n' ' ')"
fi
ktap_plan
ktap_totals
ktap_ok
