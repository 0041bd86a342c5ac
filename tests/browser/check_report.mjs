// Opens a `segmint report` page in headless Chromium over the DevTools protocol and checks it (report_browser.sh).
//   node --experimental-websocket check_report.mjs DEVTOOLS_ACTIVE_PORT_FILE REPORT_HTML EVAL_JSON SCREENSHOT_PREFIX
//        [--project] [--diff=DIFF_JSON]
// EVAL_JSON is `segmint eval --format json` on the same inputs: every segment must be on the page with that size.
// With --project the page must show constraints, a refuted one with its counterexample naming `hostile_title`, and
// the segment `hostile_title` must show its title as text. With --diff, DIFF_JSON is `segmint diff --format json` for
// the versions the report compared: the Changes section must show one row per segment that changed (or whose members
// moved), in its order, with its status, and the link of every segment still defined must lead to its rule.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [portFile, reportPath, evalPath, screenshots, ...flags] = process.argv.slice(2);
const project = flags.includes("--project");
const diffPath = flags.find((flag) => flag.startsWith("--diff="))?.slice("--diff=".length);
const problems = [];
const fail = (message) => { problems.push(message); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function devtoolsPort() {
  for (let i = 0; i < 300; ++i) {
    if (existsSync(portFile)) {
      const port = readFileSync(portFile, "utf8").split("\n")[0].trim();
      if (port) return port;
    }
    await sleep(100);
  }
  throw new Error("the browser did not open its DevTools port in 30 s");
}

// A DevTools session on a fresh page: send(method, params) → result; every event goes to `onEvent`.
async function openPage(port, onEvent) {
  const response = await fetch(`http://127.0.0.1:${port}/json/new?about:blank`, { method: "PUT" });
  const target = await response.json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let next = 0;
  const waiting = new Map();
  socket.onmessage = (message) => {
    const packet = JSON.parse(message.data);
    if (packet.id !== undefined && waiting.has(packet.id)) {
      const { resolve, reject } = waiting.get(packet.id);
      waiting.delete(packet.id);
      if (packet.error) reject(new Error(JSON.stringify(packet.error)));
      else resolve(packet.result);
    } else if (packet.method) {
      onEvent(packet.method, packet.params);
    }
  };
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  return { send, close: () => socket.close() };
}

async function main() {
  const pageUrl = pathToFileURL(reportPath).href;
  const expected = JSON.parse(readFileSync(evalPath, "utf8"));
  const port = await devtoolsPort();
  let loaded = false;
  const page = await openPage(port, (method, params) => {
    if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
      fail("console error: " + params.args.map((a) => a.value ?? a.description).join(" "));
    } else if (method === "Runtime.exceptionThrown") {
      fail("uncaught exception: " + (params.exceptionDetails.exception?.description ?? params.exceptionDetails.text));
    } else if (method === "Log.entryAdded" && params.entry.level === "error") {
      fail("browser error: " + params.entry.text + (params.entry.url ? " (" + params.entry.url + ")" : ""));
    } else if (method === "Network.requestWillBeSent" && params.request.url !== pageUrl) {
      fail("network request: " + params.request.url);
    } else if (method === "Page.loadEventFired") {
      loaded = true;
    } else if (method === "Runtime.javascriptDialogOpening") {
      fail("a dialog opened: " + params.message);
    }
  });
  for (const domain of ["Runtime", "Log", "Network", "Page"]) await page.send(domain + ".enable");
  await page.send("Emulation.setDeviceMetricsOverride", { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false });
  const started = Date.now();
  await page.send("Page.navigate", { url: pageUrl });
  const evaluate = async (expression) =>
    (await page.send("Runtime.evaluate", { expression, returnByValue: true })).result.value;
  for (let i = 0; i < 300 && !(loaded && (await evaluate("document.body.dataset.rendered")) === "true"); ++i) {
    await sleep(100);
  }
  if (!loaded) fail("the page did not finish loading in 30 s");
  const seconds = (Date.now() - started) / 1000;

  // What the page shows, read from its DOM.
  const shown = await evaluate(`(() => {
    const rows = [...document.querySelectorAll("#size-table tbody tr")].map((row) =>
      ({ name: row.dataset.segment, size: Number(row.dataset.size), text: row.querySelector(".size").textContent }));
    const canvas = document.getElementById("heatmap");
    const links = [...document.querySelectorAll("#rule-list a.ref")];
    return {
      title: document.title, rows, rendered: document.body.dataset.rendered,
      cells: Number(canvas.dataset.cells), pairs: Number(canvas.dataset.pairs), metric: canvas.dataset.metric,
      rules: [...document.querySelectorAll("#rule-list section.rule")].map((s) => s.dataset.segment),
      links: links.length,
      brokenLinks: links.filter((a) => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).length,
      constraints: document.querySelectorAll("#constraint-list .constraint").length,
      counterexamples: [...document.querySelectorAll("#constraint-list .fail pre.counterexample")].map((p) => p.textContent),
      hostile: [...document.querySelectorAll("h3")].map((h) => h.textContent).find((t) => t.startsWith("hostile_title")),
      images: document.images.length,
      diffHidden: document.getElementById("diff").hidden,
      diffRows: [...document.querySelectorAll("#diff-body tbody tr")].map((row) => ({
        name: row.dataset.segment, status: row.dataset.status,
        link: row.querySelector("a") ? decodeURIComponent(row.querySelector("a").hash.slice(1)) : null,
        linked: !!(row.querySelector("a") && document.getElementById(decodeURIComponent(row.querySelector("a").hash.slice(1)))),
      })),
      diffRules: document.querySelectorAll("#diff-body .diff-rule").length,
    };
  })()`);
  if (shown.rendered !== "true") fail("the page's script did not finish rendering");
  if (shown.title.includes("broken")) fail("a segment title ran as script: the document title is " + shown.title);
  if (shown.images !== 0) fail(`the page has ${shown.images} <img> elements: a title was read as HTML`);
  if (project && (!shown.hostile || !shown.hostile.includes("</script><script>document.title"))) {
    fail("the hostile title is not shown as text: " + shown.hostile);
  }
  const bySegment = new Map(shown.rows.map((row) => [row.name, row]));
  for (const segment of expected.segments) {
    const row = bySegment.get(segment.name);
    if (!row) { fail(`segment ${segment.name} is not in the sizes table`); continue; }
    if (row.size !== segment.count || row.text !== segment.count.toLocaleString("en-US")) {
      fail(`segment ${segment.name}: the page shows ${row.text} (${row.size}), eval counts ${segment.count}`);
    }
    if (!shown.rules.includes(segment.name)) fail(`segment ${segment.name} has no rule section`);
  }
  if (shown.rows.length !== expected.segments.length) {
    fail(`the sizes table has ${shown.rows.length} rows for ${expected.segments.length} segments`);
  }
  const n = expected.segments.length;
  if (shown.metric !== "jaccard" || shown.cells !== (n * (n - 1)) / 2 || shown.pairs !== shown.cells) {
    fail(`the heatmap draws ${shown.cells} ${shown.metric} cells for ${n} segments, not one per pair (${(n * (n - 1)) / 2})`);
  }
  if (shown.links === 0 || shown.brokenLinks !== 0) fail(`${shown.links} segment references, ${shown.brokenLinks} broken`);
  if (project && shown.constraints === 0) fail("no constraints shown");
  if (project && !shown.counterexamples.some((text) => text.includes("hostile_title: {in: [") && text.includes("expect:"))) {
    fail("the refuted constraint shows no counterexample fixture: " + JSON.stringify(shown.counterexamples));
  }

  if (diffPath) {
    const diff = JSON.parse(readFileSync(diffPath, "utf8"));
    const moved = (d) => d.customers && (d.customers.entered > 0 || d.customers.left > 0);
    const changed = diff.segments.filter((d) => d.status !== "unchanged" || moved(d));
    if (shown.diffHidden) fail("the Changes section is hidden although the report has a diff");
    const got = shown.diffRows.map((row) => row.name + ":" + row.status).join(" ");
    const want = changed.map((d) => d.name + ":" + d.status).join(" ");
    if (got !== want) fail(`the Changes table shows [${got}], segmint diff says [${want}]`);
    if (changed.length === 0) fail("the diff of the test has no change to show");
    for (const row of shown.diffRows) {
      const defined = expected.segments.some((s) => s.name === row.name);
      if (defined && !row.linked) fail(`segment ${row.name} in the Changes table has no link to its rule`);
      if (!defined && row.link !== null) fail(`removed segment ${row.name} links to ${row.link}`);
    }
    if (shown.diffRules === 0) fail("the Changes section shows no old and new rules");
    await evaluate(`window.scrollTo(0, 0)`);
    await sleep(100);
    const picture = await page.send("Page.captureScreenshot", { format: "png" });
    writeFileSync(`${screenshots}-changes.png`, Buffer.from(picture.data, "base64"));
  } else if (!shown.diffHidden) {
    fail("the Changes section shows without a diff");
  }

  // Hovering a cell below the diagonal shows its counts: a cell in the middle of the drawing (where the canvas's
  // data-cell and data-margin place it), scrolled to the middle of the window, clear of the sticky header.
  const hover = await evaluate(`(() => {
    const canvas = document.getElementById("heatmap");
    canvas.scrollIntoView({ block: "center" });
    const r = canvas.getBoundingClientRect(), side = canvas.width, n = ${n};
    const cell = Number(canvas.dataset.cell), margin = Number(canvas.dataset.margin);
    const row = Math.floor(n / 2) + 1, column = Math.floor(n / 2) - 1;
    return { x: r.left + (margin + cell * (column + 0.5)) * r.width / side,
             y: r.top + (margin + cell * (row + 0.5)) * r.height / side };
  })()`);
  if (!hover || !Number.isFinite(hover.x) || !Number.isFinite(hover.y)) throw new Error("the heatmap has no cell size");
  await page.send("Input.dispatchMouseEvent", { type: "mouseMoved", x: hover.x, y: hover.y });
  await sleep(200);
  const tip = await evaluate(`(() => { const t = document.getElementById("tip"); return t.hidden ? "" : t.textContent; })()`);
  if (!tip.includes("in both:") || !tip.includes("Jaccard:")) fail("hovering a heatmap cell shows no counts: " + JSON.stringify(tip));

  const overlapShot = await page.send("Page.captureScreenshot", { format: "png" });
  writeFileSync(`${screenshots}-overlap.png`, Buffer.from(overlapShot.data, "base64"));
  // The constraints and the rules, for people to look at.
  for (const [selector, name] of [["#constraints", "constraints"], ["#rule-list .rule", "rules"]]) {
    await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
      if (e) { e.scrollIntoView(); window.scrollBy(0, -110); } })()`);
    await sleep(100);
    const picture = await page.send("Page.captureScreenshot", { format: "png" });
    writeFileSync(`${screenshots}-${name}.png`, Buffer.from(picture.data, "base64"));
  }
  // The containment view has a cell for each ordered pair.
  const containment = await evaluate(`(() => { const m = document.getElementById("metric"); m.value = "containment";
    m.dispatchEvent(new Event("change")); const c = document.getElementById("heatmap").dataset; return Number(c.cells); })()`);
  if (containment !== n * (n - 1)) fail(`the containment view draws ${containment} cells, not ${n * (n - 1)}`);
  await evaluate(`(() => { const m = document.getElementById("metric"); m.value = "jaccard"; m.dispatchEvent(new Event("change"));
    window.scrollTo(0, 0); })()`);
  await sleep(100);
  const shot = await page.send("Page.captureScreenshot", { format: "png" });
  writeFileSync(`${screenshots}.png`, Buffer.from(shot.data, "base64"));
  page.close();

  if (problems.length) {
    for (const problem of problems) console.log("FAIL: " + problem);
    process.exit(1);
  }
  console.log(`${reportPath} in Chromium, rendered in ${seconds.toFixed(2)} s: ${n} segments with their sizes, ` +
    `${shown.cells} heatmap cells (one per pair), ${shown.links} reference links, ${shown.constraints} constraints, ` +
    (diffPath ? `${shown.diffRows.length} rows of changes, ` : "") +
    `no console error, no network request; screenshots ${screenshots}.png and ${screenshots}-*.png`);
  process.exit(0);
}

// A browser that stops answering must fail the test, not hang it (report_browser.sh then stops the browser).
setTimeout(() => { console.log("FAIL: no answer from the browser in 120 s"); process.exit(1); }, 120000);
main().catch((error) => { console.log("FAIL: " + (error.stack || error)); process.exit(1); });
