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

# ksym_first PATH...: print the first PATH that exists (globs expanded by
# the caller).  No "ls | head": under pipefail that pipeline fails at
# random when head exits first and ls gets SIGPIPE.
ksym_first() {
	local f

	for f in "$@"; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# ksym_has TEXT STRING: does TEXT hold STRING (a fixed string: package
# versions such as 7.2.13+deb14 are full of regex characters)?  Reads a
# here-string, so no writer can get SIGPIPE.
ksym_has() {
	grep -qF -- "$2" <<<"$1"
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
	if ! apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1; then
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

# ksym_newest_source LINE: print "package version" of the newest
# linux-source of LINE (6.1, 6.12, or 7 for the newest 7.x in sid).
ksym_newest_source() {
	local line=$1 pkg ver

	if [ "$line" = 7 ]; then
		pkg=$(ksym_apt sid amd64 apt-cache search --names-only '^linux-source-7\.[0-9]+$' |
			awk '{print $1}' | sort -V | tail -n 1)
		[ -n "$pkg" ] || { ksym_log "no linux-source-7.x in sid"; return 1; }
	else
		pkg=linux-source-$line
	fi
	ver=$(ksym_apt "$(ksym_suite "$line")" amd64 apt-cache policy "$pkg" |
		awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		{ ksym_log "no candidate for $pkg"; return 1; }
	echo "$pkg $ver"
}

# the Debian suite that carries kernel line LINE
ksym_suite() {
	if [ "$1" = 7 ]; then echo sid; else echo bookworm; fi
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
