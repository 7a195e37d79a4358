# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# debian.sh - everything ksym_verify takes from Debian's archive: private
# apt lists, packages, linux-source trees, kernel images and headers, and
# busybox.  Sourced by lib.sh; do not run it.
#
# The machine's own apt sources are never edited: every suite and
# architecture is reached through a private apt configuration under
# $KSYM_CACHE.  A cache entry is marked complete only once checked; when
# the archive has moved on and the new version cannot be had, the last
# complete entry is used, and said.

# ksym_apt_opts SUITE ARCH: apt options for a private configuration under
# the cache that sees only SUITE ("bookworm" and "bullseye" also bring
# their -updates and -security suites) for ARCH.  The machine's own sources and
# architectures are untouched.
ksym_apt_opts() {
	local suite=$1 arch=$2 d=$KSYM_CACHE/apt/$1-$2

	printf '%s\n' \
		"-o" "Dir::Etc::SourceList=$d/etc/sources.list" \
		"-o" "Dir::Etc::SourceParts=$d/etc/sources.list.d" \
		"-o" "Dir::Etc::Preferences=$d/etc/preferences" \
		"-o" "Dir::Etc::PreferencesParts=$d/etc/preferences.d" \
		"-o" "Dir::State::Lists=$d/lists" \
		"-o" "Dir::State::status=$d/status" \
		"-o" "Dir::Cache=$d" \
		"-o" "APT::Architecture=$arch" \
		"-o" "APT::Architectures::=$arch" \
		"-o" "Debug::NoLocking=1" \
		"-o" "APT::Sandbox::User=root"
}

# ksym_apt_update SUITE ARCH: refresh that private list when it is stale.
ksym_apt_update() {
	local suite=$1 arch=$2 d=$KSYM_CACHE/apt/$1-$2
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	local -a opts

	# lists younger than six hours are used as they are
	[ -n "$(find "$d/.updated" -mmin -360 2>/dev/null)" ] && return 0
	mkdir -p "$d/lists/partial" "$d/archives/partial" \
		"$d/etc/sources.list.d" "$d/etc/preferences.d"
	touch "$d/status"
	if [ "$suite" = bookworm ] || [ "$suite" = bullseye ]; then
		cat >"$d/etc/sources.list" <<EOF
deb [arch=$arch signed-by=$key] http://deb.debian.org/debian $suite main
deb [arch=$arch signed-by=$key] http://deb.debian.org/debian $suite-updates main
deb [arch=$arch signed-by=$key] http://deb.debian.org/debian-security $suite-security main
EOF
	else
		echo "deb [arch=$arch signed-by=$key] http://deb.debian.org/debian $suite main" \
			>"$d/etc/sources.list"
	fi
	mapfile -t opts < <(ksym_apt_opts "$suite" "$arch")
	ksym_log "apt: refreshing the private $suite/$arch list under $d"
	if ! apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1; then
		# bullseye's LTS security suite has no index for some
		# architectures (armhf, 2026): the suite's own list is enough
		if ls "$d"/lists/*_dists_"${suite}"_main_binary-"${arch}"_Packages* >/dev/null 2>&1 &&
		   ! grep -q "dists/$suite/" <(grep '^E:' "$d/update.log"); then
			ksym_log "apt: $suite/$arch updated without: $(grep '^E:' "$d/update.log" | head -n 1 | cut -c1-120)"
			touch "$d/.updated"
			return 0
		fi
		# an older list still names what the cache holds
		if [ -f "$d/.updated" ]; then
			ksym_log "apt: update of $suite/$arch failed; using the list of $(date -r "$d/.updated" +%F)"
			return 0
		fi
		ksym_log "apt: apt-get update for $suite/$arch failed; see $d/update.log"
		return 1
	fi
	touch "$d/.updated"
}

# ksym_apt SUITE ARCH apt-get|apt-cache ARGS...: run apt against that list.
ksym_apt() {
	local suite=$1 arch=$2 tool=$3
	local -a opts

	shift 3
	ksym_apt_update "$suite" "$arch" || return 1
	mapfile -t opts < <(ksym_apt_opts "$suite" "$arch")
	"$tool" "${opts[@]}" "$@"
}

# ksym_download SUITE ARCH PKG[=VER]...: fetch .debs into the cache (once);
# print their paths.
ksym_download() {
	local suite=$1 arch=$2 p name f
	local dir=$KSYM_CACHE/debs

	shift 2
	mkdir -p "$dir"
	for p in "$@"; do
		name=${p%%=*} ver='*'
		# a named version must be that version, not any cached one
		[ "$name" != "$p" ] && ver=${p#*=} && ver=${ver//:/%3a}
		f=$(ksym_first "$dir/${name}_"$ver"_${arch}.deb" "$dir/${name}_"$ver"_all.deb")
		if [ -z "$f" ]; then
			ksym_log "download: $p ($suite/$arch)"
			(cd "$dir" && ksym_apt "$suite" "$arch" apt-get -qq download "$p") >&2 ||
				{ ksym_log "download of $p ($suite/$arch) failed"; return 1; }
			f=$(ksym_first "$dir/${name}_"$ver"_${arch}.deb" "$dir/${name}_"$ver"_all.deb") ||
				{ ksym_log "apt-get download of $p left no .deb in $dir"; return 1; }
		fi
		echo "$f"
	done
}

# ksym_source_7 SUITE: print "package version" of the newest
# linux-source-7.x in SUITE
ksym_source_7() {
	local suite=$1 pkg

	pkg=$(ksym_apt "$suite" amd64 apt-cache search --names-only '^linux-source-7\.[0-9]+$' |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$pkg" ] || { ksym_log "no linux-source-7.x in $suite"; return 1; }
	ksym_candidate "$suite" "$pkg"
}

# ksym_candidate SUITE PKG: print "PKG version" of PKG's candidate in SUITE
ksym_candidate() {
	local ver

	ver=$(ksym_apt "$1" amd64 apt-cache policy "$2" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		{ ksym_log "no candidate for $2 in $1"; return 1; }
	echo "$2 $ver"
}

# ksym_newest_7_suite: of sid, experimental and trixie-backports, the one
# whose newest linux-source-7.x is the newest (sid on a tie); the choice
# is kept for six hours, like the lists
ksym_newest_7_suite() {
	local f=$KSYM_CACHE/apt/newest-7 s pkg ver best="" bestver=""

	if [ -s "$f" ] && [ -n "$(find "$f" -mmin -360 2>/dev/null)" ]; then
		cat "$f"
		return 0
	fi
	for s in sid experimental trixie-backports; do
		read -r pkg ver < <(ksym_source_7 "$s") || continue
		if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "$bestver"; then
			best=$s bestver=$ver
		fi
	done
	[ -n "$best" ] || { ksym_log "no linux-source-7.x in any suite"; return 1; }
	ksym_log "newest 7.x: $bestver in $best"
	mkdir -p "$(dirname "$f")" && echo "$best" >"$f"
	echo "$best"
}

# ksym_newest_source LINE: print "package version" of the newest
# linux-source of LINE (5.10, 6.1, 6.12; 7: the newest 7.x in sid; 7new:
# the newest 7.x in any suite).
ksym_newest_source() {
	local line=$1 suite

	suite=$(ksym_suite "$line") || return 1
	case $line in
	7|7new) ksym_source_7 "$suite" ;;
	6.12t) ksym_candidate "$suite" linux-source-6.12 ;;
	*) ksym_candidate "$suite" "linux-source-$line" ;;
	esac
}

# the Debian suite that carries kernel line LINE (6.12t: trixie's 6.12,
# for the architectures whose 6.12 bookworm does not build)
ksym_suite() {
	case $1 in
	5.10) echo bullseye ;;
	6.12t) echo trixie ;;
	7) echo sid ;;
	7new) ksym_newest_7_suite ;;
	*) echo bookworm ;;
	esac
}

# ksym_source_tree KIND LINE WHAT: download (cached) the newest
# linux-source of LINE and extract WHAT ("scripts" or "all") into
# $KSYM_CACHE/KIND/<package>-<version>; print that directory.
#
# An entry is complete only once it holds what later steps read.  When the
# archive has moved on (sid replaces versions daily) and the new version
# cannot be had, the last complete entry of LINE is used, and said.
ksym_source_tree() {
	local kind=$1 line=$2 what=$3 pkg ver dir deb last
	local -a filter=()

	last=$KSYM_CACHE/$kind/last-$line
	if read -r pkg ver < <(ksym_newest_source "$line") && [ -n "$pkg" ]; then
		dir=$KSYM_CACHE/$kind/$pkg-$ver
		if [ ! -f "$dir/.complete" ]; then
			[ "$what" = scripts ] && filter=(--wildcards '*/scripts/*')
			if deb=$(ksym_download "$(ksym_suite "$line")" amd64 "$pkg=$ver"); then
				ksym_log "extract: $what of $pkg $ver"
				rm -rf "$dir" && mkdir -p "$dir"
				dpkg-deb --fsys-tarfile "$deb" |
					tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
					xz -dc -T0 |
					tar -x -C "$dir" --strip-components=1 "${filter[@]}" ||
					ksym_log "extracting $deb failed"
				if [ -f "$dir/scripts/kallsyms.c" ] &&
				   { [ "$what" = scripts ] || [ -f "$dir/Makefile" ]; }; then
					echo "$pkg $ver" >"$dir/.version"
					touch "$dir/.complete"
					echo "$pkg-$ver" >"$last"
				else
					ksym_log "$dir lacks scripts/kallsyms.c or Makefile: not complete"
				fi
			fi
		fi
		if [ -f "$dir/.complete" ]; then
			echo "$pkg-$ver" >"$last"
			echo "$dir"
			return 0
		fi
	fi
	if [ -s "$last" ] && [ -f "$KSYM_CACHE/$kind/$(cat "$last")/.complete" ]; then
		ksym_log "linux-source $line: the archive's newest could not be had; using the cached $(cat "$last")"
		echo "$KSYM_CACHE/$kind/$(cat "$last")"
		return 0
	fi
	ksym_log "no linux-source for $line: not in the archive now, none complete in $KSYM_CACHE/$kind"
	return 1
}

# ksym_kernel_scripts LINE: scripts/ of the newest linux-source of LINE
ksym_kernel_scripts() {
	ksym_source_tree src "$1" scripts
}

# ksym_full_source LINE: the whole linux-source of LINE (about 1.5 GB)
ksym_full_source() {
	ksym_source_tree src-full "$1" all
}

# deb_arch ARCH: Debian's name for it (x86_64 is amd64; armhf, s390x, ...
# are Debian's names already)
deb_arch() {
	case $1 in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) echo "$1" ;;
	esac
}

# kernel_entry_ok ROOT REL: does the cache entry ROOT hold a kernel image
# and a headers tree for REL?  Only then may it be marked complete.
kernel_entry_ok() {
	local root=$1 rel=$2 h=$1/root/usr/src/linux-headers-$2

	ksym_first "$root/root/boot/vmlinuz-$rel" "$root/root/boot/vmlinux-$rel" \
		"$root/root/usr/lib/modules/$rel/vmlinuz" >/dev/null &&
		[ -f "$h/Makefile" ] && [ -f "$h/.config" ] &&
		[ -f "$h/Module.symvers" ] && [ -e "$h/scripts/" ]
}

# kernel_flavour DEBARCH: the flavour of Debian's kernel that boots under
# QEMU's generic machine for that architecture
kernel_flavour() {
	case $1 in
	i386) echo 686-pae ;;
	armhf) echo armmp ;;
	ppc64el) echo powerpc64le ;;
	*) echo "$1" ;;
	esac
}

# kbuild_cross ARCH: the make arguments that build for ARCH on this
# machine (Debian's cross compilers; x86_64 is native)
kbuild_cross() {
	case $1 in
	arm64) echo ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- ;;
	i386) echo ARCH=i386 CROSS_COMPILE=i686-linux-gnu- ;;
	armhf) echo ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- ;;
	s390x) echo ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- ;;
	ppc64el) echo ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu- ;;
	riscv64) echo ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- ;;
	esac
}

# kernel_meta KVER DEBARCH: the metapackage that names KVER's kernel
kernel_meta() {
	local f

	f=$(kernel_flavour "$2")
	case $1 in
	5.10|6.1|6.12t|7|7new) echo "linux-image-$f" ;;
	6.12) echo "linux-image-6.12-$f" ;;
	6.12-cloud|6.12-rt) echo "linux-image-$1-$f" ;;
	*) ksym_die "KVER must be 5.10, 6.1, 6.12, 6.12t, 6.12-cloud, 6.12-rt, 7 or 7new" ;;
	esac
}

# kernel_resolve ARCH KVER [METAVER]: ask the archive which kernel KVER is
# today (or in the metapackage's version METAVER); sets K_REL, K_IMG (the
# package holding the image), K_PKG, and the header packages in
# K_DEBS_HDR, K_KBUILD
kernel_resolve() {
	local arch=$1 kver=$2 mver=${3:-} da suite meta img deps

	da=$(deb_arch "$arch")
	suite=$(ksym_suite "$kver") || return 1
	meta=$(kernel_meta "$kver" "$da")
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "$meta${mver:+=$mver}") || return 1
	img=$(awk '/Depends: linux-image-[0-9]/ {print $2; exit}' <<<"$deps")
	[ -n "$img" ] || { ksym_log "$meta ($suite/$da) names no kernel"; return 1; }
	K_REL=${img#linux-image-}
	case $kver in
	5.10) [[ $K_REL == 5.10.* ]] || { ksym_log "$suite's $meta is $K_REL, not 5.10"; return 1; } ;;
	6.12t) [[ $K_REL == 6.12.* ]] || { ksym_log "$suite's $meta is $K_REL, not 6.12"; return 1; } ;;
	7|7new) [[ $K_REL == 7.* ]] || { ksym_log "$suite's $meta is $K_REL, not 7.x"; return 1; } ;;
	esac
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "linux-headers-$K_REL") || return 1
	K_DEBS_HDR="linux-headers-$K_REL $(awk '/Depends: linux-headers-.*-common/ {print $2; exit}' <<<"$deps")"
	K_KBUILD=$(awk '/Depends: linux-kbuild-/ {print $2; exit}' <<<"$deps")
	# 7.x splits the image: linux-binary-<rel> holds the kernel
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "$img") || return 1
	ksym_has "$deps" "linux-binary-$K_REL" && img=linux-binary-$K_REL
	K_IMG=$img
	K_PKG=$(ksym_apt "$suite" "$da" apt-cache policy "$img" | awk '/Candidate:/ {print $2}')
}

# kernel_meta_versions ARCH KVER: the metapackage's versions, newest first
kernel_meta_versions() {
	local da suite

	da=$(deb_arch "$1")
	suite=$(ksym_suite "$2") || return 1
	ksym_apt "$suite" "$da" apt-cache madison "$(kernel_meta "$2" "$da")" |
		awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u -r -V
}

# kernel_unpack ARCH KVER ROOT: download the resolved packages and unpack
# them into ROOT; marks ROOT complete only when kernel_entry_ok holds
kernel_unpack() {
	local arch=$1 kver=$2 root=$3 da suite deb
	local -a debs

	da=$(deb_arch "$arch")
	suite=$(ksym_suite "$kver")
	# the signed image's .deb can be missing from a mirror (bullseye's
	# arm64 5.10.0-46 was, in 2026): the -unsigned package holds the
	# same kernel, which QEMU boots alike
	if ! debs=("$(ksym_download "$suite" "$da" "$K_IMG")"); then
		ksym_log "using $K_IMG-unsigned, the same kernel without its signature"
		debs=("$(ksym_download "$suite" "$da" "$K_IMG-unsigned")") || return 1
	fi
	# shellcheck disable=SC2086 # K_DEBS_HDR is a list of package names
	debs+=($(ksym_download "$suite" "$da" $K_DEBS_HDR)) || return 1
	# the host runs the build tools: always the amd64 kbuild
	# (of the image's version when the archive still has it)
	deb=$(ksym_download "$suite" amd64 "$K_KBUILD=$K_PKG" 2>/dev/null) ||
		deb=$(ksym_download "$suite" amd64 "$K_KBUILD") || return 1
	debs+=("$deb")
	rm -rf "$root" && mkdir -p "$root/root"
	for deb in "${debs[@]}"; do
		ksym_log "unpack: $(basename "$deb")"
		dpkg -x "$deb" "$root/root" || { ksym_log "dpkg -x $deb failed"; return 1; }
	done
	# the headers name their -common part (and, from 7.x, their own
	# directory) by absolute path
	sed -i "s|/usr/src/|$root/root/usr/src/|g" \
		"$root/root/usr/src/linux-headers-$K_REL/Makefile" || return 1
	kernel_entry_ok "$root" "$K_REL" ||
		{ ksym_log "$root: no kernel image or headers for $K_REL in $K_IMG $K_DEBS_HDR"; return 1; }
	echo "$K_PKG" >"$root/.package"
	touch "$root/.complete"
}

# debian_kernel ARCH KVER: unpack image + headers into the cache; sets
# K_REL, K_IMAGE, K_DIR (the headers' build directory), K_PKG.  When the
# archive's kernel cannot be had (sid replaces versions daily), the last
# complete entry for ARCH and KVER is used, and said.
debian_kernel() {
	local arch=$1 kver=$2 root last mver

	last=$KSYM_CACHE/kernels/last-$arch-$kver
	root=""
	# the newest version of the metapackage first; a mirror can lack a
	# new kernel's .debs (bullseye-security's arm64 5.10.0-46 in 2026),
	# so up to two older versions of the suite are tried after it
	for mver in "" $(kernel_meta_versions "$arch" "$kver" | sed -n '2,3p'); do
		if kernel_resolve "$arch" "$kver" "$mver"; then
			root=$KSYM_CACHE/kernels/$K_REL
			if [ -f "$root/.complete" ] && ! kernel_entry_ok "$root" "$K_REL"; then
				ksym_log "$root was marked complete but lacks its kernel or headers: fetching again"
				rm -f "$root/.complete"
			fi
			[ -f "$root/.complete" ] || kernel_unpack "$arch" "$kver" "$root" || root=""
		fi
		[ -n "$root" ] && break
		[ -n "$mver" ] || ksym_log "the archive's newest $arch $kver kernel could not be had; trying the suite's older ones"
	done
	[ -n "$root" ] && [ -n "$mver" ] &&
		echo "    # the archive's newest $arch $kver kernel could not be downloaded; using $K_REL, of $(kernel_meta "$kver" "$(deb_arch "$arch")") $mver"
	if [ -n "$root" ]; then
		mkdir -p "$KSYM_CACHE/kernels" && echo "$K_REL" >"$last"
	elif [ -s "$last" ] && root=$KSYM_CACHE/kernels/$(cat "$last") &&
	     [ -f "$root/.complete" ] && kernel_entry_ok "$root" "$(cat "$last")"; then
		K_REL=$(cat "$last")
		K_PKG=$(cat "$root/.package" 2>/dev/null || echo "?")
		echo "    # the archive's $arch $kver kernel could not be had; using the cached $K_REL"
	else
		echo "    # no $arch $kver kernel: the archive's could not be had and none is cached"
		K_REL='?' K_PKG='?'
		return 1
	fi
	K_DIR=$root/root/usr/src/linux-headers-$K_REL
	K_HOW="Debian's headers"
	# Debian ships a one-line placeholder System.map: say so, never read it
	if grep -qs 'The real System.map is in' "$root/root/boot/System.map-$K_REL"; then
		echo "    # boot/System.map-$K_REL is Debian's placeholder (the real one is in the -dbg package); ground truth is the guest's /proc/kallsyms"
	fi
	# newer suites' headers may not build here: prepare a tree instead
	if ! headers_usable "$arch"; then
		prepare_from_source "$arch" "$kver" "$root" || return 1
	fi
	# ppc64el ships an ELF vmlinux, which QEMU's pseries boots as it is
	K_IMAGE=$(ksym_first "$root/root/boot/vmlinuz-$K_REL" "$root/root/boot/vmlinux-$K_REL" \
		"$root/root/usr/lib/modules/$K_REL/vmlinuz")
}

# headers_usable ARCH: can this machine build a module with the headers in
# K_DIR?  Not when their kbuild host tools need a newer glibc (sid), nor
# when they name a newer compiler than this machine has (trixie's gcc-14).
# When they name an older one this machine lacks (bullseye's gcc-10), the
# machine's gcc builds the module: K_MAKE_ARGS says CC=gcc.
headers_usable() {
	local cross="" cc want have

	K_MAKE_ARGS=()
	cross=$(kbuild_cross "$1" | sed -n 's/.*CROSS_COMPILE=//p')
	if [[ $("$K_DIR/scripts/kconfig/conf" --help 2>&1) == *GLIBC_* ]]; then
		WHY_PREPARED="the packaged kbuild tools need a newer glibc"
		return 1
	fi
	cc=$(awk 'match($0, /gcc-[0-9]+/) { print substr($0, RSTART, RLENGTH); exit }' \
		"$K_DIR/.kernelvariables" 2>/dev/null)
	[ -n "$cc" ] && ! command -v "$cross$cc" >/dev/null || return 0
	want=${cc#gcc-}
	have=$("${cross}gcc" -dumpversion 2>/dev/null)
	if [ -n "$have" ] && [ "${have%%.*}" -gt "$want" ]; then
		K_MAKE_ARGS=(CC="${cross}gcc")
		K_HOW+=" with CC=${cross}gcc (they name $cross$cc, which this machine does not have; its gcc is $have)"
		return 0
	fi
	WHY_PREPARED="the headers name $cross$cc, which this machine does not have"
	return 1
}

# prepare_from_source ARCH KVER ROOT: a module build tree made from the same
# version's linux-source with Debian's .config, release string and
# Module.symvers, built by this machine's compiler.  Sets K_DIR and K_HOW.
prepare_from_source() {
	local arch=$1 kver=$2 root=$3 pkg src o kv
	local -a mk

	src=$(ksym_full_source "$kver") || return 1
	pkg=$(basename "$src")
	o=$root/prepared
	# shellcheck disable=SC2046 # ARCH=... CROSS_COMPILE=..., no spaces
	mk=(make -s -C "$src" O="$o" -j"$(nproc)" $(kbuild_cross "$arch"))
	if [ ! -f "$o/.complete" ]; then
		ksym_log "prepare: $K_REL build tree from $pkg with Debian's .config"
		rm -rf "$o" && mkdir -p "$o"
		cp "$K_DIR/.config" "$o/.config"
		kv=$(make -s -C "$src" kernelversion)
		# the release string must be Debian's, for the module's vermagic
		"$src/scripts/config" --file "$o/.config" \
			--set-str LOCALVERSION "${K_REL#"$kv"}" \
			--disable LOCALVERSION_AUTO \
			--set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS ""
		"${mk[@]}" olddefconfig >"$o/prepare.log" 2>&1 &&
			"${mk[@]}" modules_prepare >>"$o/prepare.log" 2>&1 ||
			{ tail -n 20 "$o/prepare.log" >&2; return 1; }
		[ "$(cat "$o/include/config/kernel.release")" = "$K_REL" ] ||
			{ echo "prepared release $(cat "$o/include/config/kernel.release") != $K_REL" >&2; return 1; }
		# Debian's symbol CRCs, so the kernel accepts the module's imports
		cp "$K_DIR/Module.symvers" "$o/Module.symvers"
		touch "$o/.complete"
	fi
	# the kernel copies the module's struct module without looking (its
	# size is checked, not its layout): every option that shapes it, or
	# the version magic, must be Debian's.  This gcc can lose one: riscv64
	# 7.x's DYNAMIC_FTRACE needs gcc 14's -fmin-function-alignment (the
	# kernel then read a NULL exit and made the module permanent), and
	# ppc64el 7.x's patchable function entries (PPC_FTRACE_OUT_OF_LINE, in
	# asm/module.h: the kernel refused the module's "mprofile-kernel"
	# version magic)
	local opt want got lost="" srcarch
	srcarch=$(kbuild_cross "$arch" | sed -n 's/^ARCH=\([a-z0-9]*\).*/\1/p')
	case ${srcarch:-x86} in i386|x86_64) srcarch=x86 ;; esac
	for opt in $(cat "$src/include/linux/module.h" "$src/include/linux/vermagic.h" \
			"$src/arch/${srcarch:-x86}/include/asm/module.h" 2>/dev/null |
		     grep -o 'CONFIG_[A-Z0-9_]*' | sort -u); do
		want=$(sed -n "s/^$opt=//p" "$root/root/usr/src/linux-headers-$K_REL/.config")
		got=$(sed -n "s/^$opt=//p" "$o/.config")
		[ "$want" = "$got" ] ||
			lost+=" $opt (Debian's ${want:-unset}, here ${got:-unset})"
	done
	if [ -n "$lost" ]; then
		echo "    # the tree prepared with this machine's $(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' "$o/.config") differs from Debian's .config in what shapes struct module or the version magic:$lost; a module built with it would not be the kernel's"
		return 1
	fi
	K_DIR=$o
	K_HOW="a tree prepared from $pkg with Debian's .config and Module.symvers ($WHY_PREPARED)"
}

# busybox_for ARCH: a static busybox for the guest
busybox_for() {
	local da dir deb
	da=$(deb_arch "$1")
	dir=$KSYM_CACHE/busybox/$da
	if [ ! -x "$dir/bin/busybox" ] && [ ! -x "$dir/usr/bin/busybox" ]; then
		# riscv64 is an official architecture from trixie on, whose
		# packages are merged-/usr
		deb=$(ksym_download "$([ "$da" = riscv64 ] && echo trixie || echo bookworm)" \
			"$da" busybox-static)
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg -x "$deb" "$dir" || ksym_die "dpkg -x $deb failed"
	fi
	ksym_first "$dir/bin/busybox" "$dir/usr/bin/busybox"
}
