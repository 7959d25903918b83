#!/usr/bin/env bash
# Refresh the vendored front-end files in static/vendor/ from npm, at pinned versions:
#   KRDS (krds-uiux): the design system's CSS, its icons and its script;
#   Pretendard GOV: the variable font's dynamic subset (unicode-range chunks, so a page downloads
#     only the glyphs it shows);
#   htmx 2.
# Usage: bash scripts/vendor.sh   (or `make vendor`). Needs npm. The result is committed.
# To upgrade, change a version below, run the script, look at the diff and the pages.
set -euo pipefail

KRDS_VERSION="1.1.0"
PRETENDARD_GOV_VERSION="1.3.9"
HTMX_VERSION="2.0.11"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "npm install into $WORK: krds-uiux@$KRDS_VERSION pretendard-gov@$PRETENDARD_GOV_VERSION htmx.org@$HTMX_VERSION"
(
  cd "$WORK"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "krds-uiux@$KRDS_VERSION" "pretendard-gov@$PRETENDARD_GOV_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
)
NM="$WORK/node_modules"

copy() {  # copy SRC DEST_RELATIVE_TO_static/vendor
  mkdir -p "$(dirname "$DEST/$2")"
  cp "$1" "$DEST/$2"
  echo "  $2"
}

rm -rf "$DEST/krds" "$DEST/pretendard-gov" "$DEST/htmx"
mkdir -p "$DEST"

echo "KRDS $KRDS_VERSION -> static/vendor/krds/"
# The folder build, not resources/cdn/: its url(...) references are relative (../../img/...),
# while the CDN build points at https://www.krds.go.kr, which the Content-Security-Policy forbids.
# output.css @imports ../token/krds_tokens.css; the source map is kept because
# ManifestStaticFilesStorage follows sourceMappingURL comments.
KRDS="$NM/krds-uiux/resources"
copy "$KRDS/css/component/output.css" "krds/css/component/output.css"
copy "$KRDS/css/component/output.css.map" "krds/css/component/output.css.map"
copy "$KRDS/css/token/krds_tokens.css" "krds/css/token/krds_tokens.css"
copy "$KRDS/js/component/ui-script.js" "krds/js/component/ui-script.js"
mkdir -p "$DEST/krds/img/component"
cp -R "$KRDS/img/component/icon" "$KRDS/img/component/favicon" "$DEST/krds/img/component/"
echo "  krds/img/component/icon/ ($(find "$DEST/krds/img/component/icon" -type f | wc -l) files)"
echo "  krds/img/component/favicon/ ($(find "$DEST/krds/img/component/favicon" -type f | wc -l) files)"
copy "$NM/krds-uiux/README.md" "krds/README.md"

# Every url(...) in the KRDS CSS must resolve to a vendored file.
missing=0
while read -r ref; do
  if [ ! -f "$DEST/krds/css/component/$ref" ]; then
    echo "  MISSING: $ref (referenced by output.css)" >&2
    missing=1
  fi
done < <(grep -o 'url([^)]*)' "$DEST/krds/css/component/output.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" \
  | grep -v '^data:' | sort -u)
[ "$missing" = 0 ] || { echo "KRDS CSS references files that are not vendored" >&2; exit 1; }

echo "Pretendard GOV $PRETENDARD_GOV_VERSION -> static/vendor/pretendard-gov/"
# One set: the variable font (weights 45-920) as a dynamic subset, ~120 woff2 chunks.
PRETENDARD="$NM/pretendard-gov/dist"
copy "$PRETENDARD/web/variable/pretendardvariable-gov-dynamic-subset.css" \
  "pretendard-gov/pretendardvariable-gov-dynamic-subset.css"
mkdir -p "$DEST/pretendard-gov/woff2-dynamic-subset"
cp "$PRETENDARD"/web/variable/woff2-dynamic-subset/*.woff2 "$DEST/pretendard-gov/woff2-dynamic-subset/"
echo "  pretendard-gov/woff2-dynamic-subset/ ($(find "$DEST/pretendard-gov/woff2-dynamic-subset" -type f | wc -l) files)"
copy "$PRETENDARD/LICENSE.txt" "pretendard-gov/LICENSE.txt"

echo "htmx $HTMX_VERSION -> static/vendor/htmx/"
copy "$NM/htmx.org/dist/htmx.min.js" "htmx/htmx.min.js"
copy "$NM/htmx.org/LICENSE" "htmx/LICENSE"

cat > "$DEST/VERSIONS.txt" <<EOF
Vendored front-end files, refreshed by scripts/vendor.sh (make vendor) from the npm registry.

package          version  licence                                          files
krds-uiux        $KRDS_VERSION    ISC (package.json); use under the KRDS terms,   krds/
                          https://www.krds.go.kr/html/site/utility/utility_06.html
pretendard-gov   $PRETENDARD_GOV_VERSION    SIL Open Font License 1.1 (pretendard-gov/LICENSE.txt)  pretendard-gov/
htmx.org         $HTMX_VERSION   0BSD (htmx/LICENSE)                              htmx/

krds/: resources/css/component/output.css (+ its source map and css/token/krds_tokens.css, which it
  @imports), resources/js/component/ui-script.js, resources/img/component/{icon,favicon}/ - unmodified.
pretendard-gov/: dist/web/variable/pretendardvariable-gov-dynamic-subset.css and its
  woff2-dynamic-subset/ chunks - unmodified.
htmx/: dist/htmx.min.js - unmodified.
EOF
echo "  VERSIONS.txt"
echo "Total: $(du -sh "$DEST" | cut -f1) in static/vendor/"
