// The HTML report's page around its data (html_report.h): styles and script inline, system fonts, no requests. The
// script renders everything from the one JSON blob in <script id="report-data">, and only ever sets text through
// textContent, so no text from specs or data is read as HTML.
#include "report/html_report.h"

namespace segmint::report {

namespace {

constexpr std::string_view kHead = R"page(</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #0b5cad; --pass: #1a7f37; --fail: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff;
  z-index: 2; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 0; }
nav a { margin-right: 14px; } a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
main { padding: 0 24px 48px; max-width: 1400px; }
.muted, #summary { color: var(--muted); }
table { border-collapse: collapse; } th, td { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid var(--line); font-weight: 600; } .num { text-align: right; font-variant-numeric: tabular-nums; }
td.bar { width: 260px; } .bar div { height: 12px; background: #4a7fc1; border-radius: 2px; min-width: 1px; }
input[type=search] { padding: 4px 8px; margin-bottom: 8px; width: 260px; }
.heat { position: relative; overflow: auto; } canvas { image-rendering: pixelated; display: block; }
#tip { position: fixed; pointer-events: none; background: #fff; border: 1px solid var(--line); padding: 6px 8px;
  white-space: pre; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,.15); z-index: 3; }
.constraint { border-left: 4px solid var(--pass); padding: 4px 10px; margin: 8px 0; }
.constraint.fail { border-color: var(--fail); }
.badge { font-weight: 700; margin-right: 8px; } .pass .badge { color: var(--pass); } .fail .badge { color: var(--fail); }
pre { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; background: #f6f8fa;
  padding: 8px 10px; overflow-x: auto; margin: 6px 0; }
.rule { border-top: 1px solid var(--line); padding: 10px 0; } .rule:target { background: #fff8c5; }
pre .kw { color: #cf222e; font-weight: 600; } pre .lit, pre .num { color: #0550ae; } pre .lit { font-weight: 600; }
pre .str { color: #0a3069; } pre .col { color: #953800; } pre .fn { color: #8250df; } pre .tbl { color: #116329; }
pre .op, pre .punct { color: #57606a; } pre .com { color: #6e7781; font-style: italic; } pre .def { font-weight: 700; }
pre .err { background: #ffebe9; } pre.old { background: #ffebe9; } pre.new { background: #e6ffec; }
#diff-body h3 { margin: 16px 0 6px; } .diff-rule { margin-bottom: 8px; }
a.ref { font-weight: 600; text-decoration: underline; }
</style>
</head>
<body>
<header>
<h1 id="heading">Segmint report</h1>
<div id="summary"></div>
<nav><a href="#diff" id="nav-diff" hidden>Changes</a><a href="#sizes">Sizes</a><a href="#overlap">Overlap</a><a href="#constraints">Constraints</a><a
href="#rules">Rules</a></nav>
</header>
<main>
<noscript><p>This report draws its tables and charts with JavaScript; turn it on to see them.</p></noscript>
<section id="diff" hidden><h2>Changes</h2><div id="diff-body"></div></section>
<section id="sizes"><h2>Segment sizes</h2>
<input id="size-filter" type="search" placeholder="Filter segments" aria-label="Filter segments">
<table id="size-table"><thead><tr><th>Segment</th><th>Title</th><th class="num">Customers</th><th class="num">Share</th>
<th></th></tr></thead><tbody></tbody></table></section>
<section id="overlap"><h2>Overlap</h2>
<p class="muted">One cell per pair of segments, ordered so that segments sharing customers sit together (single-linkage
clustering on Jaccard). Darker is more overlap; hover over a cell for the counts, click it to see the row's rule.
<label>Show <select id="metric"><option value="jaccard">Jaccard: |A∩B| / |A∪B| (one cell per pair)</option>
<option value="containment">containment: share of the row's customers also in the column</option></select></label></p>
<div class="heat"><canvas id="heatmap"></canvas></div><div id="tip" hidden></div></section>
<section id="constraints"><h2>Constraints</h2><div id="constraint-list"></div></section>
<section id="rules"><h2>Rules</h2><div id="rule-list"></div></section>
</main>
<script type="application/json" id="report-data">)page";

constexpr std::string_view kTail = R"page(</script>
<script>
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const segs = data.segments, n = segs.length;
  const $ = (id) => document.getElementById(id);
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  const count = (x) => x.toLocaleString("en-US");
  const percent = (x) => (100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1) + "%";
  const anchor = (i) => "seg-" + segs[i].name;
  function link(i) { const a = el("a", "", segs[i].name); a.href = "#" + encodeURIComponent(anchor(i)); return a; }
  const share = (size) => (data.rows > 0 ? size / data.rows : 0);

  // Header.
  $("heading").textContent = "Segmint report: " + data.heading;
  const failed = data.constraints.filter((c) => !c.passed).length;
  $("summary").textContent = n + " segments on " + count(data.rows) + " customers (" + data.data + ") as of " +
    data.as_of + (data.project ? "; constraints: " + (data.constraints.length - failed) + " passed, " + failed +
    " failed" : "");

  // Sizes: one row per segment, in catalog order, with a bar against the largest.
  const largest = segs.reduce((m, s) => Math.max(m, s.size), 1);
  const body = $("size-table").tBodies[0];
  segs.forEach((s, i) => {
    const row = el("tr");
    row.dataset.segment = s.name;
    row.dataset.size = s.size;
    const name = el("td"); name.appendChild(link(i)); row.appendChild(name);
    row.appendChild(el("td", "muted", s.title || ""));
    row.appendChild(el("td", "num size", count(s.size)));
    row.appendChild(el("td", "num", percent(share(s.size))));
    const bar = el("td", "bar"), fill = el("div");
    fill.style.width = (100 * s.size / largest).toFixed(2) + "%";
    bar.appendChild(fill); row.appendChild(bar);
    body.appendChild(row);
  });
  $("size-filter").addEventListener("input", (e) => {
    const text = e.target.value.toLowerCase();
    for (const row of body.rows) {
      const s = segs[row.sectionRowIndex];
      row.hidden = text !== "" && !(s.name.toLowerCase().includes(text) || (s.title || "").toLowerCase().includes(text));
    }
  });

  // Overlap: |A∩B| for i < j is data.intersections[i*n - i*(i+1)/2 + (j-i-1)].
  function both(i, j) {
    if (i === j) return segs[i].size;
    if (i > j) { const t = i; i = j; j = t; }
    return data.intersections[i * n - (i * (i + 1)) / 2 + (j - i - 1)];
  }
  function jaccard(i, j) { const x = both(i, j), u = segs[i].size + segs[j].size - x; return u > 0 ? x / u : 0; }
  function contained(i, j) { return segs[i].size > 0 ? both(i, j) / segs[i].size : 0; }
  const canvas = $("heatmap"), tip = $("tip"), order = data.order;
  const cell = Math.max(1, Math.min(18, Math.floor(720 / Math.max(n, 1))));
  const margin = cell >= 10 ? 170 : 0;
  function shade(value) {  // light blue-grey for no overlap, dark blue for full; sqrt so small overlaps show
    const t = Math.sqrt(Math.min(1, Math.max(0, value)));
    return [Math.round(238 - 230 * t), Math.round(243 - 195 * t), Math.round(248 - 141 * t)];
  }
  function draw() {
    const metric = $("metric").value;
    const side = margin + n * cell;
    canvas.width = side; canvas.height = side;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; context.fillRect(0, 0, side, side);
    let cells = 0;
    if (n > 0) {
      const pixels = new ImageData(n, n);
      for (let r = 0; r < n; ++r) {
        for (let c = 0; c < n; ++c) {
          let rgb;
          if (r === c) rgb = [200, 200, 200];
          else if (metric === "jaccard" && c > r) continue;  // the pair's cell is below the diagonal
          else { rgb = shade(metric === "jaccard" ? jaccard(order[r], order[c]) : contained(order[r], order[c])); ++cells; }
          const at = 4 * (r * n + c);
          pixels.data[at] = rgb[0]; pixels.data[at + 1] = rgb[1]; pixels.data[at + 2] = rgb[2]; pixels.data[at + 3] = 255;
        }
      }
      const small = document.createElement("canvas");
      small.width = n; small.height = n;
      small.getContext("2d").putImageData(pixels, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(small, margin, margin, n * cell, n * cell);
    }
    if (margin > 0) {
      context.fillStyle = "#1f2328";
      context.font = "11px system-ui, sans-serif";
      const short = (name) => (name.length > 26 ? name.slice(0, 25) + "…" : name);
      order.forEach((s, k) => {
        const middle = margin + k * cell + cell / 2 + 4;
        context.textAlign = "right"; context.fillText(short(segs[s].name), margin - 4, middle);
        context.save(); context.translate(middle - 1, margin - 4); context.rotate(-Math.PI / 2);
        context.textAlign = "left"; context.fillText(short(segs[s].name), 0, 0); context.restore();
      });
    }
    canvas.dataset.metric = metric;
    canvas.dataset.cell = cell;  // where the cells are, in canvas pixels, for tests
    canvas.dataset.margin = margin;
    canvas.dataset.cells = cells;
    canvas.dataset.pairs = metric === "jaccard" ? (n * (n - 1)) / 2 : n * (n - 1);
  }
  function pairAt(event) {
    const box = canvas.getBoundingClientRect(), scale = canvas.width / box.width;
    const c = Math.floor(((event.clientX - box.left) * scale - margin) / cell);
    const r = Math.floor(((event.clientY - box.top) * scale - margin) / cell);
    if (r < 0 || c < 0 || r >= n || c >= n || r === c) return null;
    if ($("metric").value === "jaccard" && c > r) return null;
    return [order[r], order[c]];
  }
  canvas.addEventListener("mousemove", (event) => {
    const pair = pairAt(event);
    tip.hidden = pair === null;
    if (!pair) return;
    const [a, b] = pair, A = segs[a].name, B = segs[b].name;
    tip.textContent = A + " × " + B + "\nin both: " + count(both(a, b)) + "\n" + A + ": " + count(segs[a].size) +
      ", " + B + ": " + count(segs[b].size) + "\nJaccard: " + jaccard(a, b).toFixed(3) + "\n" + A + " also in " + B +
      ": " + percent(contained(a, b)) + "\n" + B + " also in " + A + ": " + percent(contained(b, a));
    tip.style.left = event.clientX + 14 + "px"; tip.style.top = event.clientY + 14 + "px";
  });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("click", (event) => {
    const pair = pairAt(event);
    if (pair) location.hash = encodeURIComponent(anchor(pair[0]));
  });
  $("metric").addEventListener("change", draw);
  draw();

  // Constraints: the check on the data and the proof for every customer, with the proof's counterexample.
  const list = $("constraint-list");
  if (!data.project) list.appendChild(el("p", "muted", "No project (segmint.yaml), so no constraints."));
  else if (data.constraints.length === 0) list.appendChild(el("p", "muted", data.project + " has no constraints."));
  // Failed ones first (a stable sort keeps the project's order within each group).
  for (const c of [...data.constraints].sort((a, b) => Number(a.passed) - Number(b.passed))) {
    const box = el("div", "constraint " + (c.passed ? "pass" : "fail"));
    box.dataset.passed = c.passed;
    const title = el("div");
    title.appendChild(el("span", "badge", c.passed ? "PASS" : "FAIL"));
    title.appendChild(el("span", "", c.kind + " "));
    c.segments.forEach((name, k) => {
      const i = segs.findIndex((s) => s.name === name);
      title.appendChild(i >= 0 ? link(i) : el("span", "", name));
      if (k + 1 < c.segments.length) title.appendChild(document.createTextNode(", "));
    });
    title.appendChild(el("span", "muted", "  " + c.file + ":" + c.line));
    box.appendChild(title);
    box.appendChild(el("div", "", c.message));
    if (c.samples.length) box.appendChild(el("div", "muted", "e.g. customers " + c.samples.join(", ")));
    if (c.proof) box.appendChild(el("div", "muted", "proof: " + c.proof.status + ": " + c.proof.message));
    if (c.counterexample) {
      const details = el("details");
      details.open = true;
      details.appendChild(el("summary", "", "Counterexample, as a fixture file (segmint test accepts it as it is)"));
      details.appendChild(el("pre", "counterexample", c.counterexample));
      box.appendChild(details);
    }
    list.appendChild(box);
  }

  // Rules: highlighted from the lexer's tokens; a reference to another segment links to its rule.
  const usedBy = segs.map(() => []);
  segs.forEach((s, i) => s.rule.forEach((t) => {
    if (Array.isArray(t) && t.length > 2 && !usedBy[t[2]].includes(i)) usedBy[t[2]].push(i);
  }));
  const rules = document.createDocumentFragment();
  segs.forEach((s, i) => {
    const section = el("section", "rule");
    section.id = anchor(i);
    section.dataset.segment = s.name;
    const title = el("h3", "", s.name);
    if (s.title) title.appendChild(el("span", "muted", " · " + s.title));
    section.appendChild(title);
    section.appendChild(el("div", "muted", s.file + ":" + s.line + " · " + count(s.size) + " customers (" +
      percent(share(s.size)) + ")"));
    const code = el("pre", "code");
    for (const t of s.rule) {
      if (typeof t === "string") { code.appendChild(document.createTextNode(t)); continue; }
      if (t.length > 2) {
        const a = el("a", "ref", t[1]);
        a.href = "#" + encodeURIComponent(anchor(t[2]));
        a.title = "segment " + segs[t[2]].name;
        code.appendChild(a);
      } else {
        code.appendChild(el("span", t[0], t[1]));
      }
    }
    section.appendChild(code);
    if (usedBy[i].length) {
      const used = el("div", "muted", "used by ");
      usedBy[i].forEach((j, k) => { used.appendChild(link(j)); if (k + 1 < usedBy[i].length) used.append(", "); });
      section.appendChild(used);
    }
    rules.appendChild(section);
  });
  $("rule-list").appendChild(rules);

  // Changes (`segmint report --diff BASE`): data.diff is `segmint diff --format json`'s document, or null. One row per
  // segment that changed (or whose members moved because a segment it refers to changed), its old and new rule, and
  // the constraint results that changed.
  function renderDiff(diff) {
    if (diff === null || diff === undefined) return;
    $("diff").hidden = false;
    $("nav-diff").hidden = false;
    const box = $("diff-body"), s = diff.summary;
    box.appendChild(el("p", "muted", diff.before + " → " + diff.after + ": " + s.added + " added, " + s.removed +
      " removed, " + s.changed + " changed, " + s.unchanged + " unchanged; " + s.constraints_changed +
      " constraint results changed (as of " + diff.as_of + (diff.rows === null ? "" : ", on " + count(diff.rows) +
      " customers") + ")"));
    const moved = (d) => d.customers && (d.customers.entered > 0 || d.customers.left > 0);
    const shown = diff.segments.filter((d) => d.status !== "unchanged" || moved(d));
    if (shown.length) {
      const table = el("table", "diff-table");
      const head = el("tr");
      for (const title of ["Segment", "Status", "Relation", "Entered", "Left", "Stayed", "Sample keys"]) {
        head.appendChild(el("th", ["Entered", "Left", "Stayed"].includes(title) ? "num" : "", title));
      }
      table.appendChild(el("thead")).appendChild(head);
      const rows = table.appendChild(el("tbody"));
      for (const d of shown) {
        const row = el("tr");
        row.dataset.segment = d.name;
        row.dataset.status = d.status;
        const name = el("td"), i = segs.findIndex((x) => x.name === d.name);
        name.appendChild(i >= 0 ? link(i) : el("span", "", d.name));
        row.appendChild(name);
        let status = d.status === "unchanged" ? "members moved" : d.status;
        if (d.status === "changed") status = d.rule_changed ? (d.title_changed ? "rule and title changed" : "rule changed")
          : "title changed";
        row.appendChild(el("td", "", status));
        row.appendChild(el("td", "", (d.relation || "") + (d.relation_reason ? " (" + d.relation_reason + ")" : "")));
        const c = d.customers;
        for (const key of ["entered", "left", "stayed"]) row.appendChild(el("td", "num", c ? count(c[key]) : ""));
        const samples = [];
        if (c && c.entered_samples.length) samples.push("entered: " + c.entered_samples.join(", "));
        if (c && c.left_samples.length) samples.push("left: " + c.left_samples.join(", "));
        row.appendChild(el("td", "muted", samples.join("; ")));
        rows.appendChild(row);
      }
      box.appendChild(table);
    }
    if (diff.constraints.length) {
      box.appendChild(el("h3", "", "Constraint results that changed"));
      const list = el("ul", "diff-constraints");
      const verdict = (o) => (o ? o.verdict : "absent");
      for (const c of diff.constraints) {
        const item = el("li", "", c.constraint + ": " + verdict(c.before) + " → " + verdict(c.after) +
          (c.after && c.after.message ? " (" + c.after.message + ")" : ""));
        item.appendChild(el("span", "muted", "  " + c.file + ":" + c.line));
        list.appendChild(item);
      }
      box.appendChild(list);
    }
    const changedRules = shown.filter((d) => d.status !== "unchanged" && (d.rule_changed || d.status !== "changed"));
    if (changedRules.length) {
      box.appendChild(el("h3", "", "Rules that changed"));
      for (const d of changedRules) {
        const item = el("div", "diff-rule");
        item.dataset.segment = d.name;
        const i = segs.findIndex((x) => x.name === d.name);
        const title = el("div");
        title.appendChild(i >= 0 ? link(i) : el("span", "", d.name));
        title.appendChild(el("span", "muted", "  " + d.file + ":" + d.line));
        item.appendChild(title);
        if (d.old_rule !== null) item.appendChild(el("pre", "old", "- " + d.old_rule));
        if (d.new_rule !== null) item.appendChild(el("pre", "new", "+ " + d.new_rule));
        box.appendChild(item);
      }
    }
  }
  renderDiff(data.diff);
  document.body.dataset.rendered = "true";
})();
</script>
</body>
</html>
)page";

}  // namespace

std::string_view html_page_head() { return kHead; }
std::string_view html_page_tail() { return kTail; }

}  // namespace segmint::report
