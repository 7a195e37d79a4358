# SPDX-License-Identifier: GPL-2.0
# Shared helpers for ksym_verify's scripts.  Source it; do not run it.
#
# Everything large (Debian packages, extracted kernel sources, generated
# fixtures) lives under $KSYM_CACHE, keyed by package version, so a second
# run on the same machine is quick.  The machine's own apt sources are never
# edited: sid is reached through a private apt configuration under the cache.

KSYM_CACHE=${KSYM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ksym_verify}
export KSYM_CACHE

ksym_log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

ksym_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# apt options that point apt-get/apt-cache at a private sid list.
ksym_sid_apt_opts() {
	local d=$KSYM_CACHE/apt-sid

	printf '%s\n' \
		"-o" "Dir::Etc::SourceList=$d/etc/sources.list" \
		"-o" "Dir::Etc::SourceParts=$d/etc/sources.list.d" \
		"-o" "Dir::Etc::Preferences=$d/etc/preferences" \
		"-o" "Dir::Etc::PreferencesParts=$d/etc/preferences.d" \
		"-o" "Dir::State::Lists=$d/lists" \
		"-o" "Dir::Cache=$d" \
		"-o" "Debug::NoLocking=1"
}

# Refresh the private sid package lists (at most once per run).
ksym_sid_update() {
	local d=$KSYM_CACHE/apt-sid
	local -a opts

	[ -n "${KSYM_SID_UPDATED:-}" ] && return 0
	mkdir -p "$d/lists/partial" "$d/archives/partial" \
		"$d/etc/sources.list.d" "$d/etc/preferences.d"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
		>"$d/etc/sources.list"
	mapfile -t opts < <(ksym_sid_apt_opts)
	ksym_log "apt: refreshing the private sid list under $d"
	apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1 ||
		ksym_die "apt-get update for sid failed; see $d/update.log"
	KSYM_SID_UPDATED=1
}

# ksym_newest_source LINE: print "package version" of the newest
# linux-source of LINE (6.1, 6.12, or 7 for the newest 7.x in sid).
ksym_newest_source() {
	local line=$1 pkg ver
	local -a opts=()

	if [ "$line" = 7 ]; then
		ksym_sid_update
		mapfile -t opts < <(ksym_sid_apt_opts)
		pkg=$(apt-cache "${opts[@]}" search --names-only '^linux-source-7\.[0-9]+$' |
			awk '{print $1}' | sort -V | tail -n 1)
		[ -n "$pkg" ] || ksym_die "no linux-source-7.x in sid"
	else
		pkg=linux-source-$line
	fi
	ver=$(apt-cache "${opts[@]}" policy "$pkg" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		ksym_die "no candidate for $pkg (run apt-get update?)"
	echo "$pkg $ver"
}

# ksym_kernel_scripts LINE: download (cached) the newest linux-source of
# LINE and extract its scripts/ directory; print the extracted tree's path.
ksym_kernel_scripts() {
	local line=$1 pkg ver dir deb
	local -a opts=()

	read -r pkg ver < <(ksym_newest_source "$line")
	dir=$KSYM_CACHE/src/$pkg-$ver
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return 0
	fi
	[ "$line" = 7 ] && mapfile -t opts < <(ksym_sid_apt_opts)
	mkdir -p "$KSYM_CACHE/debs" "$dir"
	deb=$(ls "$KSYM_CACHE/debs/${pkg}_${ver/:/%3a}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		ksym_log "download: $pkg $ver"
		(cd "$KSYM_CACHE/debs" && apt-get "${opts[@]}" -q download "$pkg=$ver") >&2 ||
			ksym_die "download of $pkg $ver failed"
		deb=$(ls "$KSYM_CACHE/debs/${pkg}_"*.deb | head -n 1)
	fi
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
