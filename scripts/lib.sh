# SPDX-License-Identifier: GPL-2.0
# Shared helpers for ksym_verify's scripts.  Source it; do not run it.
#
# Everything large (Debian packages, extracted kernel sources, generated
# fixtures, kernels) lives under $KSYM_CACHE, keyed by package version, so a
# second run on the same machine is quick.  The machine's own apt sources
# are never edited: every suite and architecture is reached through a
# private apt configuration under the cache.

KSYM_CACHE=${KSYM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ksym_verify}
export KSYM_CACHE

ksym_log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

ksym_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# ksym_apt_opts SUITE ARCH: apt options for a private configuration under
# the cache that sees only SUITE ("bookworm" also brings bookworm-updates
# and bookworm-security, "sid") for ARCH.  The machine's own sources and
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
	if [ "$suite" = bookworm ]; then
		cat >"$d/etc/sources.list" <<EOF
deb [arch=$arch signed-by=$key] http://deb.debian.org/debian bookworm bookworm-updates main
deb [arch=$arch signed-by=$key] http://deb.debian.org/debian-security bookworm-security main
EOF
	else
		echo "deb [arch=$arch signed-by=$key] http://deb.debian.org/debian $suite main" \
			>"$d/etc/sources.list"
	fi
	mapfile -t opts < <(ksym_apt_opts "$suite" "$arch")
	ksym_log "apt: refreshing the private $suite/$arch list under $d"
	apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1 ||
		ksym_die "apt-get update for $suite/$arch failed; see $d/update.log"
	touch "$d/.updated"
}

# ksym_apt SUITE ARCH apt-get|apt-cache ARGS...: run apt against that list.
ksym_apt() {
	local suite=$1 arch=$2 tool=$3
	local -a opts

	shift 3
	ksym_apt_update "$suite" "$arch"
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
		name=${p%%=*}
		f=$(ls "$dir/${name}_"*"_${arch}.deb" "$dir/${name}_"*"_all.deb" 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			ksym_log "download: $p ($suite/$arch)"
			(cd "$dir" && ksym_apt "$suite" "$arch" apt-get -qq download "$p") >&2 ||
				ksym_die "download of $p ($suite/$arch) failed"
			f=$(ls "$dir/${name}_"*"_${arch}.deb" "$dir/${name}_"*"_all.deb" 2>/dev/null | head -n 1)
		fi
		echo "$f"
	done
}

# ksym_newest_source LINE: print "package version" of the newest
# linux-source of LINE (6.1, 6.12, or 7 for the newest 7.x in sid).
ksym_newest_source() {
	local line=$1 pkg ver

	if [ "$line" = 7 ]; then
		pkg=$(ksym_apt sid amd64 apt-cache search --names-only '^linux-source-7\.[0-9]+$' |
			awk '{print $1}' | sort -V | tail -n 1)
		[ -n "$pkg" ] || ksym_die "no linux-source-7.x in sid"
	else
		pkg=linux-source-$line
	fi
	ver=$(ksym_apt "$(ksym_suite "$line")" amd64 apt-cache policy "$pkg" |
		awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		ksym_die "no candidate for $pkg"
	echo "$pkg $ver"
}

# the Debian suite that carries kernel line LINE
ksym_suite() {
	if [ "$1" = 7 ]; then echo sid; else echo bookworm; fi
}

# ksym_kernel_scripts LINE: download (cached) the newest linux-source of
# LINE and extract its scripts/ directory; print the extracted tree's path.
ksym_kernel_scripts() {
	local line=$1 pkg ver dir deb

	read -r pkg ver < <(ksym_newest_source "$line")
	dir=$KSYM_CACHE/src/$pkg-$ver
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return 0
	fi
	mkdir -p "$dir"
	deb=$(ksym_download "$(ksym_suite "$line")" amd64 "$pkg=$ver")
	ksym_log "extract: scripts/ of $pkg $ver"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		xz -dc -T0 |
		tar -x -C "$dir" --strip-components=1 --wildcards '*/scripts/*' ||
		ksym_die "extracting $deb failed"
	echo "$pkg $ver" >"$dir/.version"
	touch "$dir/.complete"
	echo "$dir"
}

# ksym_full_source LINE: the whole linux-source of LINE, unpacked once into
# $KSYM_CACHE/src-full/<package>-<version>; print its path.
ksym_full_source() {
	local line=$1 pkg ver src deb

	read -r pkg ver < <(ksym_newest_source "$line")
	src=$KSYM_CACHE/src-full/$pkg-$ver
	if [ ! -f "$src/.complete" ]; then
		deb=$(ksym_download "$(ksym_suite "$line")" amd64 "$pkg=$ver")
		ksym_log "extract: all of $pkg $ver (about 1.5 GB)"
		rm -rf "$src" && mkdir -p "$src"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			xz -dc -T0 | tar -x -C "$src" --strip-components=1 ||
			ksym_die "extracting $deb failed"
		touch "$src/.complete"
	fi
	echo "$src"
}
