// Rasd dashboard: hash-routed pages over the read API. Data is put in the page as text nodes only
// (never as HTML), so titles and search strings cannot inject markup. Map: Leaflet; charts: uPlot.
"use strict";

const SEVERITY_COLOUR = { watch: "#c59a00", warning: "#e06c00", critical: "#c0221a" };
const view = document.getElementById("view");
const notice = document.getElementById("notice");
let token = localStorage.getItem("rasd-token") || "";
let currentMap = null;

document.getElementById("token").value = token;
document.getElementById("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  token = document.getElementById("token").value.trim();
  localStorage.setItem("rasd-token", token);
  route();
});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "on") { for (const [evt, fn] of Object.entries(v)) node.addEventListener(evt, fn); }
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const ar = (text) => el("span", { dir: "auto", lang: "ar", class: "ar" }, text || "");
const sev = (s) => (s ? el("span", { class: `sev sev-${s}` }, s) : el("span", { class: "muted" }, "—"));
const num = (n) => (n === null || n === undefined ? "" : String(n));
const when = (iso) => (iso ? iso.replace("T", " ").replace(/:\d\dZ$/, "Z") : "");

class ApiError extends Error {}

async function api(path, params) {
  const url = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v !== null && v !== undefined) url.searchParams.set(k, v);
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const r = await fetch(url, { headers });
  if (r.status === 401) throw new ApiError("This page needs an API token: paste a read token above (rasd tokens create NAME).");
  if (!r.ok) {
    let detail = `${r.status}`;
    try { const body = await r.json(); detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (e) { /* not JSON */ }
    throw new ApiError(`${url.pathname}: ${detail}`);
  }
  return (url.searchParams.get("format") === "csv") ? r.text() : r.json();
}

function page(title, ...children) {
  if (currentMap) { currentMap.remove(); currentMap = null; }
  view.replaceChildren(el("h1", {}, title), ...children);
  document.title = `Rasd — ${typeof title === "string" ? title : title.textContent}`;
}

async function route() {
  notice.textContent = "";
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  try {
    if (parts[0] === "alerts" && parts[1]) await alertPage(parts[1]);
    else if (parts[0] === "alerts") await alertsPage();
    else if (parts[0] === "stories") await storiesPage();
    else if (parts[0] === "regions" && parts[1]) await regionPage(parts.slice(1).join("/"));
    else if (parts[0] === "feeds") await feedsPage();
    else await mapPage();
  } catch (err) {
    notice.textContent = err instanceof ApiError ? err.message : `error: ${err}`;
    document.body.dataset.state = "error";
    return;
  }
  document.body.dataset.state = "ready";
}
window.addEventListener("hashchange", () => { document.body.dataset.state = "loading"; route(); });

// ------------------------------------------------------------------ map

function regionStyle(summary, maxStories) {
  if (!summary) return { color: "#8a99a8", weight: 0.6, fillColor: "#e9eef2", fillOpacity: 0.5 };
  if (summary.alert_severity) return { color: "#5b2a18", weight: 1, fillColor: SEVERITY_COLOUR[summary.alert_severity], fillOpacity: 0.75 };
  const share = maxStories ? summary.stories / maxStories : 0;
  return { color: "#3d5a73", weight: 0.8, fillColor: "#2f74b5", fillOpacity: 0.12 + 0.6 * share };
}

async function mapPage() {
  const [regions, alerts, shapes] = await Promise.all([
    api("regions"), api("alerts", { limit: 15 }), fetch("static/geo/admin1.geojson").then((r) => r.json())]);
  const byKey = Object.fromEntries(regions.map((r) => [r.key, r]));
  const maxStories = Math.max(0, ...regions.filter((r) => r.level === "admin1").map((r) => r.stories));
  const mapDiv = el("div", { id: "map" });
  const table = el("table", { id: "region-table" },
    el("tr", {}, el("th", {}, "Region"), el("th", {}, "Arabic"), el("th", { class: "num" }, "Stories (7 d)"), el("th", {}, "Alert")),
    regions.filter((r) => r.stories || r.alert_severity).sort((a, b) => b.stories - a.stories).map((r) =>
      el("tr", { "data-key": r.key },
        el("td", {}, el("a", { href: `#/regions/${encodeURIComponent(r.key)}` }, r.name_en)),
        el("td", {}, ar(r.name_ar)), el("td", { class: "num stories" }, num(r.stories)), el("td", {}, sev(r.alert_severity)))));
  const legend = el("p", { class: "legend muted" },
    Object.entries(SEVERITY_COLOUR).map(([s, c]) => el("span", {}, el("i", { class: "swatch", style: `background:${c}` }), s)),
    el("span", {}, el("i", { class: "swatch", style: "background:#2f74b5" }), "story volume, no alert"));
  page("Regions", el("div", { class: "grid" },
    el("div", {}, mapDiv, legend),
    el("div", {}, el("h2", {}, "Latest alerts"), alertTable(alerts), el("h2", {}, "Regions"), table)));
  const map = L.map(mapDiv, { attributionControl: true, zoomSnap: 0.25 });
  currentMap = map;
  map.attributionControl.addAttribution("Boundaries: Natural Earth");
  const drawn = new Set();
  const layer = L.geoJSON(shapes, {
    style: (f) => {
      const s = byKey[f.properties.key];
      const cls = ["region-poly", f.properties.key ? "tagged" : "context", s && s.alert_severity ? `sev-${s.alert_severity}` : "", s && s.stories ? "has-stories" : ""];
      return { ...regionStyle(s, maxStories), className: cls.filter(Boolean).join(" ") };
    },
    onEachFeature: (f, lyr) => {
      const s = byKey[f.properties.key];
      if (f.properties.key) drawn.add(f.properties.key);
      const label = `${f.properties.name_en || ""} · ${f.properties.name_ar || ""}${s ? ` — ${s.stories} stories` : ""}`;
      lyr.bindTooltip(label, { sticky: true });
      if (f.properties.key) lyr.on("click", () => { location.hash = `#/regions/${encodeURIComponent(f.properties.key)}`; });
    },
  }).addTo(map);
  // Regions the basemap has no polygon for (e.g. governorates inside one Natural Earth unit): a dot.
  for (const r of regions) {
    if (r.level !== "admin1" || drawn.has(r.key) || r.lat === null) continue;
    const style = regionStyle(r, maxStories);
    L.circleMarker([r.lat, r.lon], { radius: 7, color: style.color, weight: 1, fillColor: style.fillColor, fillOpacity: 0.85, className: "region-dot" })
      .bindTooltip(`${r.name_en} · ${r.name_ar} — ${r.stories} stories`).on("click", () => { location.hash = `#/regions/${encodeURIComponent(r.key)}`; })
      .addTo(map);
  }
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
}

function alertTable(alerts) {
  return el("table", { id: "alerts-table" },
    el("tr", {}, el("th", {}, "Severity"), el("th", {}, "Region"), el("th", {}, "Window end"), el("th", { class: "num" }, "Stories"), el("th", { class: "num" }, "Killed")),
    alerts.map((a) => el("tr", { "data-alert": a.id },
      el("td", {}, sev(a.severity)),
      el("td", {}, el("a", { href: `#/alerts/${encodeURIComponent(a.id)}` }, a.region.name_en), " ", ar(a.region.name_ar)),
      el("td", {}, when(a.window.end)), el("td", { class: "num" }, num(a.observed)), el("td", { class: "num" }, num(a.casualties.killed)))));
}

async function alertsPage() {
  const alerts = await api("alerts", { limit: 200 });
  page("Alerts", alerts.length ? alertTable(alerts) : el("p", { class: "muted" }, "No alerts yet."));
}

// ------------------------------------------------------------------ alert evidence

function markedSentence(sentence) {
  const out = el("p", { class: "sentence", dir: "auto", lang: "ar" });
  let at = 0;
  const spans = [...sentence.spans].sort((a, b) => a.start - b.start);
  for (const m of spans) {
    if (m.start < at) continue;
    out.append(sentence.text.slice(at, m.start));
    out.append(el("mark", { class: m.kind, title: m.label }, sentence.text.slice(m.start, m.end)));
    at = m.end;
  }
  out.append(sentence.text.slice(at));
  return out;
}

async function alertPage(id) {
  const ev = await api(`alerts/${encodeURIComponent(id)}`);
  const a = ev.alert;
  const start = new Date(Date.parse(a.window.start) - 48 * 3600e3).toISOString().replace(/\.\d+Z$/, "Z");
  const end = new Date(Date.parse(a.window.end) + 12 * 3600e3).toISOString().replace(/\.\d+Z$/, "Z");
  const series = await api(`regions/${encodeURIComponent(ev.region_key)}/series`, { scale: "hour", since: start, until: end });
  const facts = el("table", { id: "alert-facts" },
    el("tr", {}, el("th", {}, "Region"), el("td", {}, el("a", { href: `#/regions/${encodeURIComponent(ev.region_key)}` }, a.region.name_en), " ", ar(a.region.name_ar))),
    el("tr", {}, el("th", {}, "Window"), el("td", {}, `${when(a.window.start)} → ${when(a.window.end)}`)),
    el("tr", {}, el("th", {}, "Observed stories"), el("td", { class: "num", id: "observed" }, num(a.observed))),
    el("tr", {}, el("th", {}, "Expected"), el("td", { class: "num", id: "expected" }, num(a.expected))),
    el("tr", {}, el("th", {}, "Band (±2 sd, recomputed)"), el("td", { class: "num", id: "band" }, `${ev.baseline.band.low} – ${ev.baseline.band.high}`)),
    el("tr", {}, el("th", {}, "p-value"), el("td", { class: "num" }, num(a.p_value))),
    el("tr", {}, el("th", {}, "Killed / injured"), el("td", { class: "num", id: "casualties" }, `${num(a.casualties.killed)} / ${num(a.casualties.injured)}`)));
  const sources = el("table", { id: "source-counts" }, el("tr", {}, el("th", {}, "Source"), el("th", { class: "num" }, "Articles")),
    Object.entries(ev.sources).map(([s, n]) => el("tr", {}, el("td", {}, s), el("td", { class: "num" }, num(n)))));
  const stories = ev.stories.map((s) => el("div", { class: "card story", "data-story": s.id },
    el("div", { class: "story-title", dir: "auto", lang: "ar" }, s.title),
    el("div", { class: "muted" }, `${when(s.first_published)} · ${s.article_count} articles · ${s.sources.join(", ")} · killed ${num(s.killed) || "—"}, injured ${num(s.injured) || "—"}`),
    s.evidence.map((copy) => el("div", { class: "copy" },
      el("div", { class: "muted" }, el("a", { href: copy.url || "#", rel: "noopener noreferrer", target: "_blank" }, copy.source)),
      copy.sentences.map(markedSentence)))));
  page(el("span", {}, "Alert ", sev(a.severity), " ", a.region.name_en, " ", ar(a.region.name_ar)),
    el("div", { class: "grid" }, el("div", {}, facts, el("h2", {}, "Timeline (hourly, event time)"), chart(series, a.id), seriesTable(series)),
      el("div", {}, el("h2", {}, "Articles per source"), sources)),
    el("h2", {}, `Stories behind the alert (${ev.stories.length})`), el("div", { id: "alert-stories" }, stories));
}

// ------------------------------------------------------------------ timelines

function chart(series, highlight) {
  const box = el("div", { class: "chart", id: "timeline" });
  const xs = series.points.map((p) => Date.parse(p.start) / 1000);
  const data = [xs, series.points.map((p) => p.observed), series.points.map((p) => p.expected),
    series.points.map((p) => p.low), series.points.map((p) => p.high)];
  const alertTimes = series.alerts.map((a) => ({ t: Date.parse(a.window_end) / 1000, sev: a.severity, id: a.id }));
  const opts = {
    width: 640, height: 260, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    series: [{}, { label: "observed", stroke: "#1d2731", width: 2, paths: uPlot.paths.bars({ size: [0.8] }), fill: "rgba(29,39,49,.35)" },
      { label: "expected", stroke: "#2f74b5", width: 2 }, { label: "low", stroke: "#9bbbd9", dash: [4, 4] }, { label: "high", stroke: "#9bbbd9", dash: [4, 4] }],
    axes: [{}, { label: "stories" }],
    hooks: { draw: [(u) => {
      const ctx = u.ctx;
      for (const a of alertTimes) {
        const x = u.valToPos(a.t, "x", true);
        ctx.save(); ctx.strokeStyle = SEVERITY_COLOUR[a.sev] || "#c0221a"; ctx.lineWidth = a.id === highlight ? 3 : 1.5;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); ctx.restore();
      }
    }] },
  };
  // uPlot measures its container: draw once the box is in the page.
  requestAnimationFrame(() => { box.dataset.points = String(xs.length); new uPlot(opts, data, box); box.dataset.drawn = "1"; });
  return box;
}

function seriesTable(series) {
  return el("details", {}, el("summary", {}, "Data"),
    el("table", { id: "series-table" }, el("tr", {}, el("th", {}, "Start (UTC)"), el("th", { class: "num" }, "Observed"), el("th", { class: "num" }, "Expected"), el("th", { class: "num" }, "Band")),
      series.points.map((p) => el("tr", { "data-start": p.start }, el("td", {}, when(p.start)), el("td", { class: "num observed" }, num(p.observed)),
        el("td", { class: "num" }, num(p.expected)), el("td", { class: "num" }, `${p.low} – ${p.high}`)))),
    el("p", {}, `Alerts: ${series.alerts.map((a) => `${a.severity} at ${when(a.window_end)}`).join("; ") || "none"}`));
}

async function regionPage(key) {
  const scale = sessionStorage.getItem("rasd-scale") || "day";
  const [series, stories] = await Promise.all([api(`regions/${encodeURIComponent(key)}/series`, { scale }), api("stories", { region: key, limit: 25 })]);
  const toggle = el("p", {}, "Scale: ", ["hour", "day"].map((s) => el("button", { type: "button", disabled: s === scale, on: { click: () => { sessionStorage.setItem("rasd-scale", s); route(); } } }, s)));
  page(el("span", {}, series.region.name_en, " ", ar(series.region.name_ar)), toggle, chart(series), seriesTable(series),
    el("h2", {}, "Latest stories"), storyTable(stories.stories));
}

// ------------------------------------------------------------------ stories

function storyTable(stories) {
  return el("table", { id: "stories-table" },
    el("tr", {}, el("th", {}, "First published"), el("th", {}, "Title"), el("th", {}, "Regions"), el("th", { class: "num" }, "Articles"), el("th", { class: "num" }, "Sources"),
      el("th", { class: "num" }, "Killed"), el("th", { class: "num" }, "Injured"), el("th", {}, "Alert")),
    stories.map((s) => el("tr", { "data-story": s.id },
      el("td", {}, when(s.first_published)),
      el("td", {}, el("a", { href: s.url || "#", rel: "noopener noreferrer", target: "_blank", dir: "auto", lang: "ar", class: "story-title" }, s.title)),
      el("td", {}, s.regions.filter((r) => r.level === "admin1").map((r) => r.name_en).join(", ")),
      el("td", { class: "num" }, num(s.article_count)), el("td", { class: "num" }, num(s.source_count)),
      el("td", { class: "num killed" }, num(s.killed)), el("td", { class: "num" }, num(s.injured)), el("td", {}, sev(s.alert_severity)))));
}

const FILTERS = [["q", "Search", "text"], ["region", "Region", "text"], ["country", "Country", "text"], ["since", "Since", "date"],
  ["until", "Until", "date"], ["min_killed", "Min. killed", "number"]];

async function storiesPage() {
  const form = el("form", { class: "filters", id: "story-filters" },
    FILTERS.map(([name, label, type]) => el("label", {}, label, el("input", { name, type, dir: name === "q" || name === "region" ? "auto" : null, size: type === "text" ? 18 : null }))),
    el("label", {}, "Alert severity", el("select", { name: "severity" }, ["", "watch", "warning", "critical"].map((s) => el("option", { value: s }, s || "any")))),
    el("button", { type: "submit" }, "Filter"), el("button", { type: "button", id: "export-csv" }, "Export CSV"));
  const results = el("div", { id: "story-results" });
  const status = el("p", { class: "muted", id: "export-status" });
  page("Stories", form, status, results);
  const filters = () => {
    const out = {};
    for (const [k, v] of new FormData(form).entries()) if (v !== "") out[k] = v;
    return out;
  };
  let cursor = null;
  const load = async (more) => {
    const body = await api("stories", { ...filters(), limit: 50, cursor: more ? cursor : null });
    cursor = body.next_cursor;
    const table = storyTable(body.stories);
    if (more) { const old = results.querySelector("table"); for (const row of [...table.querySelectorAll("tr")].slice(1)) old.append(row); }
    else results.replaceChildren(table);
    results.querySelector("#more")?.remove();
    if (cursor) results.append(el("button", { type: "button", id: "more", on: { click: () => load(true).catch(showError) } }, "More"));
    results.dataset.rows = String(results.querySelectorAll("tr[data-story]").length);
  };
  const showError = (err) => { notice.textContent = err.message; };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); notice.textContent = ""; load(false).catch(showError); });
  document.getElementById("export-csv").addEventListener("click", async () => {
    try {
      const text = await api("stories", { ...filters(), limit: 1000, format: "csv" });
      const blob = new Blob([text], { type: "text/csv;charset=utf-8" });
      const a = el("a", { href: URL.createObjectURL(blob), download: "stories.csv" });
      document.body.append(a); a.click(); a.remove();
      status.textContent = `Exported ${text.trim().split("\n").length - 1} stories to stories.csv`;
    } catch (err) { showError(err); }
  });
  await load(false);
}

// ------------------------------------------------------------------ feeds

async function feedsPage() {
  const feeds = await api("feeds");
  page("Feeds", el("table", { id: "feeds-table" },
    el("tr", {}, el("th", {}, "Feed"), el("th", {}, "Last success"), el("th", {}, "Last new item"), el("th", { class: "num" }, "Items"),
      el("th", { class: "num" }, "Errors"), el("th", {}, "Last error"), el("th", {}, "State")),
    feeds.map((f) => el("tr", { "data-feed": f.id },
      el("td", {}, el("div", { dir: "auto" }, f.name || f.url), el("div", { class: "muted" }, f.url)),
      el("td", {}, when(f.last_ok_at)), el("td", {}, when(f.last_new_item_at)), el("td", { class: "num" }, num(f.items_total)),
      el("td", { class: "num" }, num(f.error_count)), el("td", { dir: "auto" }, f.last_error || ""),
      el("td", {}, f.paused_reason ? el("span", { class: "sev sev-critical" }, `paused: ${f.paused_reason}`) : f.enabled ? "active" : "disabled")))));
}

route();
