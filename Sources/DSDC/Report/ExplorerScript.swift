/// The report page's explorer: the script that turns each lesson's embedded maps into
/// clickable output maps with their formulas filled in, and its style sheet.
///
/// The script builds a lesson's explorers only when they come near the screen, so the
/// page paints first. Opened as `index.html#selftest`, it builds all of them, clicks a spread
/// of pixels in every map, tries the arrow keys, recomputes every output of every map, and sets
/// `data-selftest="pass"` (or `"fail: …"`) on `<body>`.
enum ExplorerScript {
  /// The script, inline at the end of the page.
  static let javaScript = """
    (function () {
      "use strict";
      var TOLERANCE = 1e-5;
      var explorers = [];

      function decode(text) {
        var raw = atob(text), view = new DataView(new ArrayBuffer(raw.length)), values = new Float32Array(raw.length / 4);
        for (var k = 0; k < raw.length; k++) view.setUint8(k, raw.charCodeAt(k));
        for (var n = 0; n < values.length; n++) values[n] = view.getFloat32(4 * n, true);
        return values;
      }
      function el(tag, attrs, text) {
        var node = document.createElement(tag);
        for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
        if (text !== undefined) node.textContent = text;
        return node;
      }
      function fixed(v, d) { return (v < 0 ? "−" : "") + Math.abs(v).toFixed(d === undefined ? 4 : d); }
      function sci(v) { return v === 0 ? "0" : v.toExponential(1).replace("-", "−"); }

      // A map: tensors decoded, geometry named, and the loop that reads like the formula.
      function Map(spec, arrays, lesson) {
        var g = spec.geometry;
        this.spec = spec; this.lesson = lesson; this.id = lesson + "/" + spec.name;
        this.C = g[0]; this.N = g[1]; this.K = g[2]; this.S = g[3]; this.P = g[4]; this.D = g[5]; this.groups = g[6];
        this.input = { shape: spec.input.shape, data: decode(arrays[spec.input.data]) };
        this.weight = decode(arrays[spec.weight.data]);
        this.bias = spec.bias ? decode(arrays[spec.bias.data]) : null;
        this.output = { shape: spec.output.shape, data: decode(arrays[spec.output.data]) };
        this.names = spec.names;
      }
      Map.prototype.terms = function (o, i, j) {
        var H = this.input.shape[1], W = this.input.shape[2], cpg = this.C / this.groups, npg = this.N / this.groups;
        var group = Math.floor(o / npg), list = [];
        for (var cg = 0; cg < cpg; cg++) {
          var c = group * cpg + cg;
          for (var u = 0; u < this.K; u++) for (var v = 0; v < this.K; v++) {
            var r = i * this.S + u * this.D - this.P, s = j * this.S + v * this.D - this.P;
            var inside = r >= 0 && r < H && s >= 0 && s < W;
            list.push({ c: c, cg: cg, u: u, v: v, r: r, s: s, inside: inside,
              x: inside ? this.input.data[(c * H + r) * W + s] : 0,
              w: this.weight[((o * cpg + cg) * this.K + u) * this.K + v] });
          }
        }
        return list;
      };
      Map.prototype.stored = function (o, i, j) {
        var sh = this.output.shape;
        return this.output.data[(o * sh[1] + i) * sh[2] + j];
      };
      Map.prototype.compute = function (o, i, j) {
        var terms = this.terms(o, i, j), sum = this.bias ? this.bias[o] : 0;
        for (var t = 0; t < terms.length; t++) sum += terms[t].x * terms[t].w;
        var stored = this.stored(o, i, j);
        return { terms: terms, sum: sum, stored: stored, delta: Math.abs(sum - stored),
          agrees: Math.abs(sum - stored) <= TOLERANCE };
      };

      // Drawing: one canvas per channel, CELL pixels per value (fewer for many channels), a margin for the padding.
      function tile(plane, H, W, margin, label, channels) {
        var CELL = channels > 8 ? 3 : 6;
        var box = el("figure", { "class": "ex-tile" });
        var canvas = el("canvas", { width: (W + 2 * margin) * CELL, height: (H + 2 * margin) * CELL });
        canvas.style.width = canvas.width + "px";
        box.appendChild(canvas);
        box.appendChild(el("figcaption", {}, label));
        var lo = Infinity, hi = -Infinity;
        for (var k = 0; k < plane.length; k++) { lo = Math.min(lo, plane[k]); hi = Math.max(hi, plane[k]); }
        var bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
        var base = el("canvas", { width: W, height: H }), ctx = base.getContext("2d"), img = ctx.createImageData(W, H);
        for (var p = 0; p < plane.length; p++) {
          var rgb;
          if (lo >= 0) { var t = hi > 0 ? plane[p] / hi : 0, gray = Math.round(255 * (1 - t)); rgb = [gray, gray, gray]; }
          else {
            var a = Math.min(1, Math.abs(plane[p]) / bound), f = Math.round(255 * (1 - a));
            rgb = plane[p] >= 0 ? [255, f, f] : [f, f, 255];
          }
          img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * p);
        }
        ctx.putImageData(img, 0, 0);
        return { box: box, canvas: canvas, base: base, H: H, W: W, margin: margin, marks: [], cell: CELL };
      }
      function paint(t) {
        var CELL = t.cell, ctx = t.canvas.getContext("2d"), m = t.margin * CELL;
        ctx.fillStyle = "#e4e8ec";
        ctx.fillRect(0, 0, t.canvas.width, t.canvas.height);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(t.base, m, m, t.W * CELL, t.H * CELL);
        ctx.strokeStyle = "#8c959f"; ctx.lineWidth = 1;
        ctx.strokeRect(m - 0.5, m - 0.5, t.W * CELL + 1, t.H * CELL + 1);
        t.marks.forEach(function (mark) {
          ctx.strokeStyle = mark.color; ctx.lineWidth = CELL > 3 ? 2 : 1;
          ctx.strokeRect(m + mark.s * CELL, m + mark.r * CELL, CELL, CELL);
        });
      }

      // One explorer: the input map(s) with the taps of the selected output marked, the
      // output map to click, and the panel with the formula filled in.
      function Explorer(container, map, from) {
        var self = this;
        this.map = map; this.from = from; this.container = container;
        this.state = { o: 0, i: Math.floor(map.output.shape[1] / 2), j: Math.floor(map.output.shape[2] / 2) };
        var n = map.names, H = map.input.shape[1], W = map.input.shape[2];
        var rows = el("div", { "class": "ex-rows" });
        function row(heading, tiles) {
          var r = el("div", { "class": "ex-row" });
          r.appendChild(el("p", { "class": "ex-heading" }, heading));
          var strip = el("div", { "class": "ex-strip" });
          tiles.forEach(function (t) { strip.appendChild(t.box); });
          r.appendChild(strip);
          rows.appendChild(r);
        }
        function planes(tensor, margin, prefix) {
          var sh = tensor.shape, size = sh[1] * sh[2], list = [];
          for (var c = 0; c < sh[0]; c++) {
            list.push(tile(tensor.data.subarray(c * size, (c + 1) * size), sh[1], sh[2], margin, prefix + "[0," + c + "]",
              sh[0]));
          }
          return list;
        }
        if (from) {
          this.fromTiles = planes(from.input, from.P, from.names.input);
          row("Step 1 input " + from.names.input + ": the pixels the selected output reads, through both steps",
              this.fromTiles);
        }
        this.inputTiles = planes(map.input, map.P, n.input);
        row((from ? "Step 2 input " : "Input ") + n.input + ": the " + (map.K === 1 ? "pixel" : "taps") +
            " the selected output reads" + (map.P ? " (grey border: the zero padding, P = " + map.P + ")" : "") +
            (map.D > 1 ? ", " + (map.D - 1) + " pixel" + (map.D > 2 ? "s" : "") + " skipped between taps (D = " + map.D + ")" : ""),
            this.inputTiles);
        this.outputTiles = planes(map.output, 0, n.output);
        this.outputTiles.forEach(function (t, o) {
          t.canvas.setAttribute("tabindex", "0");
          t.canvas.setAttribute("aria-label", n.output + " channel " + o + ": click a pixel, or use the arrow keys");
          t.canvas.addEventListener("click", function (event) {
            var rect = t.canvas.getBoundingClientRect();
            var j = Math.floor((event.clientX - rect.left) * t.W / rect.width);
            var i = Math.floor((event.clientY - rect.top) * t.H / rect.height);
            self.select(o, Math.min(t.H - 1, Math.max(0, i)), Math.min(t.W - 1, Math.max(0, j)));
            t.canvas.focus();
          });
          t.canvas.addEventListener("keydown", function (event) {
            var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
            if (!moves) return;
            event.preventDefault();
            var s = self.state, i = s.o === o ? s.i + moves[0] : s.i, j = s.o === o ? s.j + moves[1] : s.j;
            self.select(o, Math.min(t.H - 1, Math.max(0, i)), Math.min(t.W - 1, Math.max(0, j)));
          });
          t.canvas.addEventListener("focus", function () { if (self.state.o !== o) self.select(o, self.state.i, self.state.j); });
        });
        row("Output " + n.output + ": click any pixel (or Tab to a map and use the arrow keys)", this.outputTiles);
        container.appendChild(rows);
        this.panel = el("div", { "class": "ex-panel", "aria-live": "polite" });
        container.appendChild(this.panel);
        this.select(this.state.o, this.state.i, this.state.j);
      }

      function termsTable(map, result, o, i, j) {
        var n = map.names, table = el("table", { "class": "ex-terms" }), head = el("tr");
        ["c", "u", "v", n.input + " (row, column)", n.input + " value", n.weight, "product"].forEach(function (h) {
          head.appendChild(el("th", {}, h));
        });
        table.appendChild(head);
        result.terms.forEach(function (t) {
          var tr = el("tr", t.inside ? {} : { "class": "ex-pad" });
          [t.c, t.u, t.v, "(" + t.r + ", " + t.s + ")" + (t.inside ? "" : " padding"), fixed(t.x), fixed(t.w),
            fixed(t.x * t.w)].forEach(function (cell) { tr.appendChild(el("td", {}, String(cell))); });
          table.appendChild(tr);
        });
        return table;
      }
      function formula(map) {
        var n = map.names, pointwise = map.K === 1, depthwise = map.groups === map.C && map.groups === map.N;
        var at = function (axis) {
          var term = axis + (map.S > 1 ? "·" + map.S : "");
          if (pointwise && map.P === 0) return term;
          return term + " + " + (axis === "i" ? "u" : "v") + (map.D > 1 ? "·" + map.D : "") + (map.P ? " − " + map.P : "");
        };
        var o = depthwise ? "c" : "o", sums = depthwise ? "Σ_{u,v} " : pointwise ? "Σ_c " : "Σ_c Σ_{u,v} ";
        var weight = n.weight + (depthwise ? "[c, 0, u, v]" : pointwise ? "[o, c, 0, 0]" : "[o, c, u, v]");
        var input = n.input + "[0, c, " + at("i") + ", " + at("j") + "]";
        return n.output + "[0, " + o + ", i, j] = " + (map.bias ? n.bias + "[" + o + "] + " : "") + sums + weight + " · " +
          input;
      }
      function verdict(label, result) {
        var p = el("p", { "class": result.agrees ? "ex-ok" : "ex-bad" });
        p.textContent = label + " = " + fixed(result.sum, 6) + " recomputed here; the program computed " +
          fixed(result.stored, 6) + "; |Δ| = " + sci(result.delta) + " " + (result.agrees ? "✓" : "✗");
        return p;
      }

      Explorer.prototype.select = function (o, i, j) {
        var map = this.map, from = this.from, n = map.names;
        this.state = { o: o, i: i, j: j };
        var result = map.compute(o, i, j), element = n.output + "[0," + o + "," + i + "," + j + "]";
        var steps = [];
        if (from) {
          var seen = {};
          result.terms.forEach(function (t) {
            if (t.inside && !seen[t.c + "," + t.r + "," + t.s]) {
              seen[t.c + "," + t.r + "," + t.s] = true;
              steps.push({ c: t.c, r: t.r, s: t.s, result: from.compute(t.c, t.r, t.s) });
            }
          });
        }
        var agrees = result.agrees && steps.every(function (s) { return s.result.agrees; });
        this.last = { o: o, i: i, j: j, result: result, steps: steps, agrees: agrees };
        // Marks: the selected output, the taps it reads, and through step 1 the taps those read.
        this.outputTiles.forEach(function (t, c) { t.marks = c === o ? [{ r: i, s: j, color: "#d1242f" }] : []; paint(t); });
        this.inputTiles.forEach(function (t) { t.marks = []; });
        var inputTiles = this.inputTiles;
        result.terms.forEach(function (t) { inputTiles[t.c].marks.push({ r: t.r, s: t.s, color: "#e36209" }); });
        inputTiles.forEach(paint);
        if (this.fromTiles) {
          var fromTiles = this.fromTiles;
          fromTiles.forEach(function (t) { t.marks = []; });
          steps.forEach(function (s) {
            s.result.terms.forEach(function (t) { fromTiles[t.c].marks.push({ r: t.r, s: t.s, color: "#e36209" }); });
          });
          fromTiles.forEach(paint);
        }
        // The panel: the formula, then (for a second step) each first-step sum, then the terms.
        var panel = this.panel;
        panel.textContent = "";
        panel.setAttribute("data-selected", o + "," + i + "," + j);
        panel.setAttribute("data-agrees", agrees ? "true" : "false");
        panel.appendChild(el("p", { "class": "ex-title" }, element + " (indices from 0: channel " + o + ", row " + i +
          ", column " + j + ")"));
        if (from) {
          panel.appendChild(el("p", { "class": "ex-step" }, "Step 1, " + formula(from) + ":"));
          steps.forEach(function (s) {
            var parts = s.result.terms.map(function (t) { return fixed(t.w) + "·" + fixed(t.x); }).join(" + ");
            var d = el("details");
            d.appendChild(el("summary", {}, from.names.output + "[0," + s.c + "," + s.r + "," + s.s + "] = " +
              fixed(s.result.sum, 6) + " " + (s.result.agrees ? "✓" : "✗ (program: " + fixed(s.result.stored, 6) + ")")));
            d.appendChild(el("p", { "class": "ex-sum" }, (from.bias ? fixed(from.bias[s.c]) + " + " : "") + parts));
            panel.appendChild(d);
          });
          panel.appendChild(el("p", { "class": "ex-step" }, "Step 2, " + formula(map) + ":"));
        } else {
          panel.appendChild(el("p", { "class": "ex-step" }, formula(map)));
        }
        panel.appendChild(termsTable(map, result, o, i, j));
        panel.appendChild(el("p", { "class": "ex-sum" }, "sum of " + result.terms.length + " products" +
          (map.bias ? " + " + n.bias + "[" + o + "] (" + fixed(map.bias[o]) + ")" : "")));
        panel.appendChild(verdict(element, result));
        return this.last;
      };

      // Build each lesson's explorers when they come near the screen (never before first paint).
      function build(holder) {
        if (holder.getAttribute("data-built")) return;
        holder.setAttribute("data-built", "true");
        var lesson = holder.getAttribute("data-lesson");
        var data = JSON.parse(document.getElementById(holder.getAttribute("data-source")).textContent);
        var maps = {};
        data.maps.forEach(function (spec) {
          var map = new Map(spec, data.arrays, lesson);
          maps[spec.name] = map;
          var box = el("div", { "class": "explorer", "data-map": map.id });
          box.appendChild(el("h3", {}, spec.title));
          holder.appendChild(box);
          explorers.push(new Explorer(box, map, spec.inputFrom ? maps[spec.inputFrom] : null));
        });
      }
      var holders = Array.prototype.slice.call(document.querySelectorAll(".ex-holder"));

      function selftest() {
        holders.forEach(build);
        var failures = [], clicks = 0, checked = 0;
        explorers.forEach(function (ex) {
          var map = ex.map, H = map.output.shape[1], W = map.output.shape[2];
          for (var o = 0; o < map.N; o++) {
            // Clicks on up to 8 channels spread over the map; every output is recomputed below.
            if (map.N > 8 && o % Math.ceil(map.N / 8) !== 0) { sweep(o); continue; }
            [[0, 0], [H - 1, W - 1], [H >> 1, W >> 1], [(o * 7 + 3) % H, (o * 11 + 5) % W]].forEach(function (p) {
              var t = ex.outputTiles[o], rect = t.canvas.getBoundingClientRect();
              t.canvas.dispatchEvent(new MouseEvent("click", { bubbles: true,
                clientX: rect.left + (p[1] + 0.5) * rect.width / W, clientY: rect.top + (p[0] + 0.5) * rect.height / H }));
              clicks++;
              var last = ex.last;
              if (!last || last.o !== o || last.i !== p[0] || last.j !== p[1]) {
                failures.push(map.id + ": a click on " + o + "," + p[0] + "," + p[1] + " selected " +
                  (last ? last.o + "," + last.i + "," + last.j : "nothing"));
              } else if (!last.agrees) {
                failures.push(map.id + " " + map.names.output + "[0," + o + "," + p[0] + "," + p[1] + "]: recomputed " +
                  last.result.sum + ", stored " + last.result.stored);
              }
            });
            sweep(o);
          }
          // The keyboard: from (0, 0) of channel 0, ArrowRight then ArrowDown selects (1, 1).
          var first = ex.outputTiles[0].canvas;
          ex.select(0, 0, 0);
          ["ArrowRight", "ArrowDown"].forEach(function (key) {
            first.dispatchEvent(new KeyboardEvent("keydown", { key: key, bubbles: true, cancelable: true }));
          });
          if (H > 1 && W > 1 && (ex.last.o !== 0 || ex.last.i !== 1 || ex.last.j !== 1)) {
            failures.push(map.id + ": the arrow keys from (0, 0) selected " + ex.last.o + "," + ex.last.i + "," + ex.last.j);
          }
          function sweep(o) {
            for (var i = 0; i < H; i++) for (var j = 0; j < W; j++) {
              var r = map.compute(o, i, j);
              checked++;
              if (!r.agrees) failures.push(map.id + " " + map.names.output + "[0," + o + "," + i + "," + j +
                "]: recomputed " + r.sum + ", stored " + r.stored);
            }
          }
        });
        document.body.setAttribute("data-selftest-maps", String(explorers.length));
        document.body.setAttribute("data-selftest-clicks", String(clicks));
        document.body.setAttribute("data-selftest-checked", String(checked));
        document.body.setAttribute("data-selftest", failures.length === 0 ? "pass" :
          "fail: " + failures.length + " disagree; first: " + failures[0]);
      }

      if (location.hash === "#selftest") {
        try { selftest(); } catch (error) { document.body.setAttribute("data-selftest", "fail: " + error); }
      } else if ("IntersectionObserver" in window) {
        var observer = new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) { if (entry.isIntersecting) { observer.unobserve(entry.target); build(entry.target); } });
        }, { rootMargin: "800px 0px" });
        window.addEventListener("load", function () { holders.forEach(function (h) { observer.observe(h); }); });
      } else {
        window.addEventListener("load", function () { holders.forEach(build); });
      }
    })();

    """

  /// The explorer's style sheet, appended to the page's.
  static let css = """
    .explore { margin: 1.2rem 0; }
    .explore > h3, .explorer > h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
    .explore-intro { color: var(--muted); font-size: .92rem; margin: .2rem 0 .6rem; }
    .explorer { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .9rem .8rem; margin: .8rem 0; }
    .ex-heading { margin: .5rem 0 .25rem; font-size: .88rem; color: var(--muted); }
    .ex-strip { display: flex; flex-wrap: wrap; gap: .5rem .8rem; }
    .ex-tile { margin: 0; }
    .ex-tile canvas { display: block; image-rendering: pixelated; border: 1px solid var(--line); cursor: crosshair; }
    .ex-tile canvas:focus { outline: 3px solid var(--link); outline-offset: 1px; }
    .ex-tile figcaption { font: 12px/1.4 var(--mono); color: var(--muted); }
    .ex-panel { margin-top: .7rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
      padding: .5rem .8rem; font-size: .9rem; }
    .ex-panel p { margin: .3rem 0; }
    .ex-title { font-weight: 600; font-family: var(--mono); }
    .ex-step, .ex-sum { font-family: var(--mono); font-size: .85rem; overflow-wrap: anywhere; }
    .ex-panel details { margin: .1rem 0 .1rem 1rem; font-family: var(--mono); font-size: .85rem; }
    .ex-panel summary { color: var(--ink); font-weight: 400; margin: 0; }
    table.ex-terms { border-collapse: collapse; font: 12px/1.35 var(--mono); margin: .3rem 0; }
    .ex-terms th, .ex-terms td { padding: .05rem .55rem; text-align: right; border-bottom: 1px solid var(--line); }
    .ex-terms tr.ex-pad { color: var(--muted); }
    .ex-ok { color: var(--ok); font-weight: 600; }
    .ex-bad { color: var(--bad); font-weight: 700; }
    @media print { .explore { display: none; } }

    """
}
