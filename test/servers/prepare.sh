#!/usr/bin/env bash
# Builds the real wire-protocol test servers (see test/servers/README.md), idempotently:
#   - Neo4j 5 (neo4j-harness, Bolt)  -> test/servers/neo4j/target/{classes,classpath.txt}  (Maven, Java 17)
#   - FerretDB 1.24 (SQLite, Mongo)  -> test/servers/bin/redk-mongo-test-server            (Go)
# Dependencies come from Maven Central and the Go module proxy into ~/.m2 and the Go module cache.
# A second run with nothing changed only checks and prints "up to date".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

fail() {
  echo "prepare.sh: ERROR: $*" >&2
  exit 1
}
say() { echo "prepare.sh: $*"; }

# newer_than TARGET SOURCES...: true when TARGET exists and is newer than every source.
newer_than() {
  local target="$1"
  shift
  [[ -e "$target" ]] || return 1
  local src
  for src in "$@"; do
    [[ "$src" -nt "$target" ]] && return 1
  done
  return 0
}

# ---------------------------------------------------------------- Neo4j (Maven, Java 17)
command -v java >/dev/null 2>&1 || fail "java not found on PATH (need a JDK 17+; Debian: apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || fail "mvn not found on PATH (Debian: apt-get install maven)"
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
[[ -n "$java_major" && "${java_major%%.*}" -ge 17 ]] 2>/dev/null || fail "Java 17+ needed, found '${java_major:-unknown}'"
command -v javac >/dev/null 2>&1 || fail "javac not found (need a JDK, not only a JRE)"

neo4j_dir="$here/neo4j"
neo4j_stamp="$neo4j_dir/target/classpath.txt"
neo4j_class="$neo4j_dir/target/classes/redk/Neo4jTestServer.class"
mapfile -t neo4j_sources < <(find "$neo4j_dir/pom.xml" "$neo4j_dir/src" -type f)
classpath_ok() {
  # every jar on the recorded classpath must still exist (~/.m2 may have been wiped)
  local entry entries=()
  IFS=':' read -r -a entries <"$neo4j_stamp" || true # no trailing newline: read returns 1 at EOF
  [[ ${#entries[@]} -gt 0 ]] || return 1
  for entry in "${entries[@]}"; do
    [[ -f "$entry" ]] || return 1
  done
  return 0
}
if newer_than "$neo4j_stamp" "${neo4j_sources[@]}" && [[ -f "$neo4j_class" ]] && classpath_ok; then
  say "Neo4j test server: up to date ($neo4j_dir/target)"
else
  say "Neo4j test server: building with Maven (downloads neo4j-harness 5.26.x into ~/.m2 when missing)..."
  start=$SECONDS
  rm -f "$neo4j_stamp"
  if ! mvn -B -q -f "$neo4j_dir/pom.xml" compile >"$neo4j_dir/.prepare.log" 2>&1; then
    cat "$neo4j_dir/.prepare.log" >&2
    fail "Maven build of test/servers/neo4j failed (log above; needs Maven Central)"
  fi
  rm -f "$neo4j_dir/.prepare.log"
  [[ -s "$neo4j_stamp" && -f "$neo4j_class" ]] || fail "Maven finished but $neo4j_stamp or $neo4j_class is missing"
  touch "$neo4j_stamp"
  say "Neo4j test server: built in $((SECONDS - start)) s ($(tr ':' '\n' <"$neo4j_stamp" | wc -l) jars on the classpath)"
fi

# ---------------------------------------------------------------- FerretDB (Go)
# The module zip of FerretDB v1.24.2 comes from the Go module proxy; a copy of it with
# mongo/ferretdb-v1.24.2.patch applied (3 small fixes, see README.md) is built through a generated
# go.mod (mongo/target/go.mod) that replaces the module with that copy. mongo/go.mod stays as is.
command -v go >/dev/null 2>&1 || fail "go not found on PATH (need Go 1.24+)"
command -v patch >/dev/null 2>&1 || fail "patch not found on PATH (Debian: apt-get install patch)"
ferret_module="github.com/FerretDB/FerretDB"
ferret_version="v1.24.2"
mongo_dir="$here/mongo"
mongo_target="$mongo_dir/target"
mongo_patch="$mongo_dir/ferretdb-$ferret_version.patch"
mongo_src="$mongo_target/ferretdb-$ferret_version"
mongo_bin="$here/bin/redk-mongo-test-server"
export GOFLAGS="-mod=readonly -buildvcs=false"
if newer_than "$mongo_bin" "$mongo_dir/main.go" "$mongo_dir/go.mod" "$mongo_dir/go.sum" "$mongo_patch" "${BASH_SOURCE[0]}"; then
  say "MongoDB-wire test server (FerretDB): up to date ($mongo_bin)"
else
  say "MongoDB-wire test server (FerretDB $ferret_version, patched): building with Go (fetches modules from the Go module proxy when missing; ~2 min cold)..."
  start=$SECONDS
  log="$mongo_dir/.prepare.log"
  go_step() {
    if ! (cd "$mongo_dir" && "$@") >>"$log" 2>&1; then
      cat "$log" >&2
      fail "'$*' failed in test/servers/mongo (log above; needs the Go module proxy)"
    fi
  }
  : >"$log"
  go_step go mod download "$ferret_module"
  module_dir="$(cd "$mongo_dir" && go list -m -f '{{.Dir}}' "$ferret_module")"
  [[ -n "$module_dir" && -f "$module_dir/go.mod" ]] || fail "could not locate $ferret_module $ferret_version in the Go module cache"
  rm -rf "$mongo_src"
  mkdir -p "$mongo_src" "$here/bin"
  cp -R "$module_dir/." "$mongo_src/"
  chmod -R u+w "$mongo_src"
  # only the Go sources matter; drop the module's JS samples so no repo linter/test glob sees them
  find "$mongo_src" -type f \( -name '*.js' -o -name '*.ts' \) -delete
  patch -p1 --forward --silent -d "$mongo_src" <"$mongo_patch" >>"$log" 2>&1 || {
    cat "$log" >&2
    fail "could not apply $mongo_patch to $ferret_module $ferret_version"
  }
  cp "$mongo_dir/go.mod" "$mongo_target/go.mod"
  cp "$mongo_dir/go.sum" "$mongo_target/go.sum"
  printf '\nreplace %s => "%s"\n' "$ferret_module" "$mongo_src" >>"$mongo_target/go.mod"
  go_step go build -modfile="$mongo_target/go.mod" -trimpath -o "$mongo_bin.tmp" .
  rm -f "$log"
  mv -f "$mongo_bin.tmp" "$mongo_bin"
  say "MongoDB-wire test server (FerretDB): built in $((SECONDS - start)) s ($mongo_bin)"
fi

say "ready: Neo4j 5.26 (Bolt) and FerretDB 1.24.2 (MongoDB wire, SQLite); start them with test/helpers/servers.ts"
