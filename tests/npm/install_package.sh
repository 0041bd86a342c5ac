# Sourced by the tests that run an npm package (tests/sql/duckdb_differential.sh, tests/snapshot/arrow_reader.sh):
#   install_npm_package SOURCE_DIR CACHE_DIR PACKAGE@VERSION MODULE
# installs PACKAGE (a pinned version, from the npm registry) into CACHE_DIR (under the build folder, outside the
# source tree) unless CACHE_DIR/node_modules/MODULE is there already, and Debian's nodejs and npm when node is missing.
install_npm_package() {
  local source=$1 cache=$2 package=$3 module=$4 partial
  command -v node > /dev/null && command -v npm > /dev/null || bash "$source/.ci/install-deps" nodejs npm > /dev/null
  [ -f "$cache/node_modules/$module/package.json" ] && return 0
  # Installed beside the cache and moved into place whole, so that an interrupted install is never reused.
  partial=$(mktemp -d "$(dirname "$cache")/$(basename "$cache").partial.XXXXXX")
  trap "rm -rf '$partial'" EXIT  # also when the install is interrupted (the caller sets its own trap afterwards)
  npm install --prefix "$partial" --no-audit --no-fund --no-save --loglevel=error "$package" > /dev/null ||
    { echo "FAIL: npm could not install $package"; exit 1; }
  rm -rf "$cache"
  mv "$partial" "$cache"
  trap - EXIT
}
