#!/usr/bin/env bash
# Checks the report page in a real browser: renders OUTPUT_DIR/index.html with
# headless Chromium, then fails unless
#   - the screenshot is not blank (enough distinct colours, enough non-background pixels), and
#   - every <img> on the page loaded (the page's own load script marks each image
#     with data-loaded; the DOM is dumped after the load event), and no image is shown twice, and
#   - every printed output (<pre class="transcript">) sits in a <details> that is closed
#     when the page loads (folded away until opened), and
#   - the contents bar (<nav class="bar">) links to every section, and
#   - the explorer's self-test passes: opened as index.html#selftest, the page clicks a
#     spread of pixels in every explorable map, recomputes every output from the data
#     embedded in it and sets data-selftest="pass" (or "fail: …") on <body>; in the same
#     run the bar checks that it stays at the top of the window when the page is scrolled
#     and that no section starts under it (data-bar-check="pass").
# It prints the page's height in pixels at the window's width of 1280.
# Usage: scripts/check-report.sh OUTPUT_DIR [SCREENSHOT.png]
#   CHROMIUM=/path/to/browser overrides the browser (default: chromium, Debian's package).
#   The screenshot is kept at SCREENSHOT.png if given, else deleted.
set -euo pipefail

fail() { echo "check-report: $*" >&2; exit 1; }

(($# >= 1 && $# <= 2)) || fail "usage: scripts/check-report.sh OUTPUT_DIR [SCREENSHOT.png]"
output_dir=$1
page="$output_dir/index.html"
browser=${CHROMIUM:-chromium}
[[ -f "$page" ]] || fail "no page at $page — write it with: swift run dsdc report --output $output_dir"
command -v "$browser" >/dev/null || fail "$browser not found — install it with: apt-get install -y chromium"
command -v python3 >/dev/null || fail "python3 not found — install it with: apt-get install -y python3"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
screenshot=${2:-$work/screenshot.png}
rm -f "$screenshot"
url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$page")

# Each run gets its own profile, so checks can run side by side. The virtual-time
# budget lets the page finish loading (and its load script run) before the capture.
run_browser() {
  timeout 180 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --user-data-dir="$work/profile-$1" --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=1280,4000 --virtual-time-budget=15000 "${@:2}" "${page_url:-$url}"
}

run_browser dom --dump-dom >"$work/dom.html" 2>"$work/dom.log" \
  || { tail -n 20 "$work/dom.log" >&2; fail "$browser could not load $url (log above)"; }
page_url="$url#selftest" run_browser selftest --dump-dom >"$work/selftest.html" 2>"$work/selftest.log" \
  || { tail -n 20 "$work/selftest.log" >&2; fail "$browser could not load $url#selftest (log above)"; }
run_browser shot --screenshot="$screenshot" >/dev/null 2>"$work/shot.log" \
  || { tail -n 20 "$work/shot.log" >&2; fail "$browser could not take a screenshot of $url (log above)"; }
[[ -s "$screenshot" ]] || { tail -n 20 "$work/shot.log" >&2; fail "$browser wrote no screenshot of $url"; }

python3 - "$work/dom.html" "$screenshot" "$output_dir" "$work/selftest.html" <<'PY'
import html.parser, os, struct, sys, zlib

dom_path, png_path, output_dir, selftest_path = sys.argv[1:5]
problems = []

# --- The explorer's self-test passed ------------------------------------------
class Body(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs = None
    def handle_starttag(self, tag, attrs):
        if tag == "body" and self.attrs is None:
            self.attrs = dict(attrs)

body = Body()
body.feed(open(selftest_path, encoding="utf-8", errors="replace").read())
selftest = (body.attrs or {}).get("data-selftest")
if selftest is None:
    problems.append("the explorer's self-test did not run (no data-selftest on <body> of index.html#selftest)")
elif selftest != "pass":
    problems.append(f"the explorer's self-test failed: {selftest}")
maps = (body.attrs or {}).get("data-selftest-maps", "0")
checked = (body.attrs or {}).get("data-selftest-checked", "0")
bar_check = (body.attrs or {}).get("data-bar-check")
if bar_check is None:
    problems.append("the contents bar's check did not run (no data-bar-check on <body> of index.html#selftest)")
elif bar_check != "pass":
    problems.append(f"the contents bar's check failed: {bar_check}")

# --- Every image loaded -------------------------------------------------------
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.checked, self.height = [], False, None
        self.printed, self.sections, self.bar_links, self.bars, self.in_bar = [], [], [], 0, False
        self.details = []  # the attributes of the <details> elements around the current position
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "img":
            self.images.append(a)
        if tag == "body" and a.get("data-images-checked") == "true":
            self.checked = True
            self.height = a.get("data-page-height")
        if tag == "details":
            self.details.append(a)
        if tag == "pre" and "transcript" in classes:
            # The printed output and the <details> around it (None when it is not folded at all).
            self.printed.append(self.details[-1] if self.details else None)
        if tag == "section" and "entry" in classes:
            self.sections.append(a.get("id"))
        if tag == "nav" and "bar" in classes:
            self.bars += 1
            self.in_bar = True
        if tag == "a" and self.in_bar and (a.get("href") or "").startswith("#"):
            self.bar_links.append(a["href"][1:])
    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_bar = False
        if tag == "details" and self.details:
            self.details.pop()

parser = Page()
parser.feed(open(dom_path, encoding="utf-8", errors="replace").read())
if not parser.checked:
    problems.append("the page's load script did not run (no data-images-checked on <body>): "
                    "the page did not finish loading")
else:
    failed = [a.get("src", "?") for a in parser.images
              if a.get("data-loaded") != "true" or a.get("data-natural-width") in (None, "0")]
    if failed:
        problems.append(f"{len(failed)} of {len(parser.images)} images did not load: " + ", ".join(failed))
shown = [a.get("src") for a in parser.images]
twice = sorted({src for src in shown if shown.count(src) > 1})
if twice:
    problems.append(f"{len(twice)} image(s) shown more than once: " + ", ".join(twice))

# --- Printed output folded, contents bar complete -----------------------------
unfolded = [a for a in parser.printed if a is None or "open" in a]
if unfolded:
    problems.append(f"{len(unfolded)} of {len(parser.printed)} printed outputs are open when the page loads "
                    "(they should be folded away until clicked)")
if parser.bars != 1:
    problems.append(f"the page has {parser.bars} contents bars (<nav class=\"bar\">), expected 1")
missing = [s for s in parser.sections if s not in parser.bar_links]
if missing:
    problems.append(f"the contents bar has no link to {len(missing)} section(s): " + ", ".join(missing))

if not parser.images:
    pngs = [os.path.join(d, f) for d, _, fs in os.walk(output_dir) for f in fs
            if f.endswith(".png") and os.path.abspath(d) != os.path.abspath(output_dir)]
    if pngs:
        problems.append(f"the page shows no images, but {output_dir} holds {len(pngs)} PNGs in its folders")

# --- The screenshot is not blank ---------------------------------------------
def decode_png(path):
    """Width, height, bytes per pixel and unfiltered rows of an 8-bit PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
        raise ValueError(f"unsupported PNG (bit depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 255
        elif kind == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, previous))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, bpp, rows

summary = ""
try:
    width, height, bpp, rows = decode_png(png_path)
except Exception as error:
    problems.append(f"cannot read the screenshot {png_path}: {error}")
else:
    counts = {}
    for row in rows:
        for x in range(0, len(row), bpp * 2):  # every other pixel is plenty
            pixel = row[x:x + bpp]
            counts[pixel] = counts.get(pixel, 0) + 1
    inked = 1 - max(counts.values()) / sum(counts.values())
    if len(counts) < 16 or inked < 0.005:
        problems.append(f"the screenshot looks blank: {len(counts)} distinct colours, "
                        f"{inked:.2%} of pixels differ from the background")
    summary = f"screenshot {width}×{height} has {len(counts)} colours, {inked:.1%} not background"

if problems:
    for problem in problems:
        print(f"check-report: FAIL: {problem}", file=sys.stderr)
    sys.exit(1)
print(f"check-report: OK: {len(parser.images)} images loaded, none shown twice; "
      f"{len(parser.printed)} printed outputs folded; the contents bar links all {len(parser.sections)} sections "
      f"and stays in view; page height {parser.height} px; {summary}; "
      f"explorer self-test passed on {maps} maps ({checked} outputs recomputed)")
PY
