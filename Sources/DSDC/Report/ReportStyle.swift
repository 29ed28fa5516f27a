/// The report page's inline style sheet and its two small scripts (no library: the
/// page works from `file://` with no network).
enum ReportStyle {
  /// Plain, readable, print-friendly; pixel art stays crisp and never wider than the page.
  static let css = """
    :root {
      --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --panel: #f6f8fa; --link: #0b5cad;
      --ok: #1a7f37; --ok-bg: #eaf6ec; --bad: #b42318; --bad-bg: #fdecea;
      --warn: #7a4d00; --warn-bg: #fff3cd; --warn-line: #e3a008;
      --mono: ui-monospace, "SF Mono", Menlo, "DejaVu Sans Mono", Consolas, monospace;
    }
    * { box-sizing: border-box; }
    html { scroll-padding-top: 3.5rem; }
    body { margin: 0; color: var(--ink); background: #fff;
      font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
    .page { max-width: 1100px; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
    a { color: var(--link); }
    h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .4rem; }
    h2 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 .2rem; }
    .label { color: var(--muted); font-weight: 600; }
    .lede { margin: 0 0 .3rem; font-size: 1.05rem; }
    .meta, .about, .settings, .note { color: var(--muted); font-size: .92rem; margin: .2rem 0; }
    .mixed { background: var(--warn-bg); color: var(--warn); padding: .4rem .75rem; border-radius: 6px; }
    .mixed p { margin: .15rem 0; }
    nav.bar { position: sticky; top: 0; z-index: 10; background: rgba(255, 255, 255, .97);
      border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(31, 35, 40, .06); }
    .bar-inner { max-width: 1100px; margin: 0 auto; padding: .35rem 1.25rem; display: flex; align-items: center;
      gap: .1rem; overflow-x: auto; white-space: nowrap; font-size: .9rem; line-height: 1.6; }
    nav.bar a { text-decoration: none; padding: .05rem .45rem; border-radius: 6px; min-width: 1.9rem;
      text-align: center; }
    nav.bar a:hover { background: var(--panel); text-decoration: underline; }
    nav.bar a.failed { color: var(--bad); }
    nav.bar a.notrun { color: var(--muted); }
    nav.bar a[aria-current] { background: var(--link); color: #fff; }
    nav.bar .bar-home { font-weight: 700; color: var(--ink); margin-right: .4rem; }
    .bar-label { color: var(--muted); margin: 0 .15rem 0 .3rem; }
    code { font-family: var(--mono); font-size: .88em; background: var(--panel); padding: .05em .35em;
      border-radius: 4px; overflow-wrap: anywhere; }
    nav.toc { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
      padding: .9rem 1.25rem 1rem; margin: 1.5rem 0 1rem; }
    nav.toc h2 { font-size: 1.05rem; margin-bottom: .4rem; }
    nav.toc ul { list-style: none; margin: 0; padding: 0; columns: 2 24rem; column-gap: 2rem; }
    nav.toc li { padding: .15rem 0; break-inside: avoid; }
    nav.toc a { text-decoration: none; }
    nav.toc a:hover { text-decoration: underline; }
    .toc-section { color: var(--muted); font-size: .88rem; }
    .badge { display: inline-block; font-size: .72rem; font-weight: 600; line-height: 1.5; padding: 0 .5em;
      margin-left: .35em; border-radius: 999px; border: 1px solid; vertical-align: .12em; white-space: nowrap; }
    .badge.ok { color: var(--ok); background: var(--ok-bg); border-color: #b4dcbd; }
    .badge.failed { color: var(--bad); background: var(--bad-bg); border-color: #f2b8b2; }
    .badge.notrun { color: var(--muted); background: #fff; border-color: var(--line); }
    .badge.errata { color: var(--warn); background: var(--warn-bg); border-color: #f0d58c; }
    section.entry { border-top: 1px solid var(--line); margin-top: 2.25rem; padding-top: 1.5rem; }
    div.error { background: var(--bad-bg); border: 1px solid #f2b8b2; border-left: 6px solid var(--bad);
      border-radius: 6px; padding: .7rem 1rem; margin: .9rem 0; color: #7a1a12; }
    div.error pre { margin: .35rem 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 14px/1.45 var(--mono); }
    div.error p { margin: .35rem 0 0; }
    div.notrun { background: var(--panel); border: 1px dashed #b6c0ca; border-radius: 6px; padding: .7rem 1rem;
      margin: .9rem 0; }
    .settings span { margin-right: 1rem; white-space: nowrap; }
    .settings b { color: var(--ink); font-weight: 600; font-family: var(--mono); font-size: .9em; }
    .figures { display: flex; flex-wrap: wrap; gap: 1.25rem 1.5rem; align-items: flex-start; margin: 1.1rem 0; }
    figure { margin: 0; max-width: 100%; min-width: 0; }
    figure a { display: block; }
    figure img { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line);
      image-rendering: crisp-edges; image-rendering: pixelated; }
    figure img[data-loaded="false"] { min-width: 8rem; min-height: 4rem; outline: 3px solid var(--bad); }
    figcaption { margin-top: .35rem; font-size: .92rem; font-weight: 600; }
    figcaption code { font-weight: 400; color: var(--muted); background: none; padding: 0; margin-left: .3rem;
      font-size: .8rem; }
    .files { font-size: .92rem; }
    details { margin: 1rem 0 .5rem; }
    summary { cursor: pointer; font-weight: 600; color: var(--muted); font-size: .92rem; margin-bottom: .4rem; }
    pre.transcript { margin: 0; padding: .8rem 1rem; background: var(--panel); border: 1px solid var(--line);
      border-radius: 6px; overflow-x: auto; font: 13px/1.5 var(--mono); tab-size: 4; }
    .transcript .pass { color: var(--ok); }
    .transcript .fail { color: var(--bad); font-weight: 700; }
    .transcript .erratum { display: inline-block; min-width: calc(100% + 2rem); margin: 0 -1rem;
      padding: 0 1rem 0 calc(1rem - 4px);
      color: var(--warn); background: var(--warn-bg); border-left: 4px solid var(--warn-line); font-weight: 600; }
    .back { font-size: .85rem; margin: .75rem 0 0; }
    @media print { nav.bar, nav.toc, .back { display: none; } details > summary { display: none; } }

    """

  /// On load, marks every image with whether it decoded (`data-loaded`, `data-natural-width`),
  /// so a headless browser's DOM dump shows which images failed; a failed one also gets a red
  /// outline. It also notes the page's height in pixels (`data-page-height`).
  static let imageCheckScript = """
    window.addEventListener("load", function () {
      document.querySelectorAll("img").forEach(function (img) {
        img.setAttribute("data-natural-width", String(img.naturalWidth));
        img.setAttribute("data-loaded", img.complete && img.naturalWidth > 0 ? "true" : "false");
      });
      document.body.setAttribute("data-page-height", String(document.documentElement.scrollHeight));
      document.body.setAttribute("data-images-checked", "true");
    });

    """

  /// The contents bar: marks the link of the section in view (`aria-current`), and opens
  /// the folded printed output for printing (closing it again after). Opened as
  /// `index.html#selftest`, it checks itself after loading: made taller, the page is
  /// scrolled down and the bar must still sit at the top of the window, and every section
  /// brought into view must start below the bar; `data-bar-check="pass"` (or
  /// `"fail: …"`) on `<body>` says how it went.
  static let barScript = """
    (function () {
      "use strict";
      var bar = document.getElementById("bar");
      if (!bar) return;
      var links = Array.prototype.slice.call(bar.querySelectorAll("a[href^='#']:not(.bar-home)"));
      var targets = links.map(function (a) { return document.getElementById(a.getAttribute("href").slice(1)); });
      function update() {
        var line = bar.getBoundingClientRect().bottom + 8, current = -1, root = document.documentElement;
        targets.forEach(function (t, i) { if (t && t.getBoundingClientRect().top <= line) current = i; });
        if (window.innerHeight + window.scrollY >= root.scrollHeight - 2 && root.scrollHeight > window.innerHeight) {
          current = targets.length - 1;
        }
        links.forEach(function (a, i) {
          if (i === current) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
        });
      }
      window.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
      update();

      var opened = [];
      window.addEventListener("beforeprint", function () {
        opened = Array.prototype.slice.call(document.querySelectorAll("details.printed:not([open])"));
        opened.forEach(function (d) { d.open = true; });
      });
      window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); });

      function selfCheck() {
        var problems = [], spacer = document.createElement("div");
        targets.forEach(function (t, i) { if (!t) problems.push(links[i].getAttribute("href") + " leads nowhere"); });
        spacer.style.height = (3 * window.innerHeight) + "px";
        document.body.appendChild(spacer);
        window.scrollTo(0, document.documentElement.scrollHeight);
        var top = bar.getBoundingClientRect().top;
        if (window.scrollY < window.innerHeight) problems.push("the page did not scroll");
        if (Math.abs(top) > 1) problems.push("scrolled down, the bar is " + top + " px from the top of the window");
        targets.forEach(function (t, i) {
          if (!t) return;
          t.scrollIntoView();
          var under = bar.getBoundingClientRect().bottom - t.getBoundingClientRect().top;
          if (under > 1) problems.push(links[i].getAttribute("href") + " starts " + under + " px under the bar");
        });
        document.body.removeChild(spacer);
        window.scrollTo(0, 0);
        update();
        document.body.setAttribute("data-bar-links", String(links.length));
        document.body.setAttribute("data-bar-check", problems.length === 0 ? "pass" :
          "fail: " + problems.length + " problem(s); first: " + problems[0]);
      }
      if (location.hash === "#selftest") {
        window.addEventListener("load", function () {
          try { selfCheck(); } catch (error) { document.body.setAttribute("data-bar-check", "fail: " + error); }
        });
      }
    })();

    """
}
