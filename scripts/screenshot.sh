#!/usr/bin/env bash
# Opens a report in headless Chromium, as a reader's browser would, and checks that it renders:
# a screenshot of index.html (the whole page) and of every chart on its own, each of which must
# not be blank (many colours) and must show the colours of its legend's swatches.
#
# Usage: scripts/screenshot.sh RESULTS_DIR [OUT.png]   (default OUT: RESULTS_DIR/screenshot.png)
# Needs chromium (apt-get install -y chromium) and python3; `make test` does not need either.
set -euo pipefail
dir=${1:?usage: scripts/screenshot.sh RESULTS_DIR [OUT.png]}
out=${2:-$dir/screenshot.png}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dir/index.html" ] || { echo "error: $dir/index.html not found; run bench report $dir first" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "error: chromium is not installed; apt-get install -y chromium" >&2; exit 2; }
work=$(mktemp -d /tmp/screenshot.XXXXXX)
trap 'rm -rf "$work"' EXIT

shoot() { # URL WIDTH HEIGHT PNG
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$2,$3" --screenshot="$4" "$1" >/dev/null 2>&1
}
swatches() { # the opaque legend swatches of an SVG or HTML file, as #rrggbb,...
    grep -o 'width="20" height="12" fill="#[0-9A-Fa-f]*"' "$1" | grep -o '#[0-9A-Fa-f]*' | sort -u | paste -sd, -
}

status=0
for chart in "$dir"/charts/*.svg; do
    [ -e "$chart" ] || continue
    # The first match only (-m 1 stops on the first line, -o may still print several of it):
    # `| head -1` would let grep die of SIGPIPE on a large chart, and pipefail end the script.
    width=$(grep -m 1 -o 'width="[0-9.]*"' "$chart" | sed -n 1p | tr -dc '0-9.')
    height=$(grep -m 1 -o 'height="[0-9.]*"' "$chart" | sed -n 1p | tr -dc '0-9.')
    shoot "file://$(realpath "$chart")" "${width%.*}" "${height%.*}" "$work/chart.png"
    python3 "$here/png-check.py" "$work/chart.png" --expect "$(swatches "$chart")" | sed "s|$work/chart.png|$(basename "$chart")|" \
        || status=1
done

# The page's height is known only after layout: shoot a tall window, then trim the white below.
figures=$(grep -c '<figure' "$dir/index.html" || true)
rows=$(grep -c '<tr>' "$dir/index.html" || true)
height=$(( 1000 + figures * 700 + rows * 40 ))
shoot "file://$(realpath "$dir/index.html")" 1200 $(( height > 16000 ? 16000 : height )) "$work/page.png"
python3 "$here/png-check.py" "$work/page.png" --crop "$out" --expect "$(swatches "$dir/index.html")" \
    | sed "s|$work/page.png|index.html|" || status=1
echo "screenshot: $out"
exit $status
