/* Crosswalk workshop: presence heartbeat, live overlay badges on the diagram, panel refresh.
 *
 * The panel's forms are plain htmx; this file only keeps presence alive (a POST every
 * 5 s and on every selection), draws dots, comment counts and who-is-where onto the
 * diagram's SVG, and reloads the panel when the shared state changed (told by the
 * live stream's `overlay` event, or noticed in the heartbeat's answer when polling).
 */
(function () {
  "use strict";
  if (window.cwWorkshop) return;
  window.cwWorkshop = true;
  var SVG = "http://www.w3.org/2000/svg";
  var BEAT_MS = 5000;
  var state = null;
  var typing = false;
  var reloadPending = false;

  function panel() { return document.getElementById("workshop-panel"); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function selectedStep() {
    var g = document.querySelector("#diagram .cw-step.cw-selected");
    return g ? g.dataset.stepId : "";
  }

  function reloadPanel() {
    var p = panel();
    if (!p || !p.dataset.roomUrl) return;
    if (typing) { reloadPending = true; return; }
    reloadPending = false;
    // From the panel itself: htmx drops a request from an element that has one on its
    // way, and requests without a source all come from <body>.
    htmx.ajax("GET", p.dataset.roomUrl, { source: p, target: "#workshop-panel", swap: "outerHTML" });
  }

  function apply(next) {
    state = next;
    draw();
    var p = panel();
    if (p && next.stamp !== p.dataset.stamp) reloadPanel();
  }

  function beat() {
    var p = panel();
    if (!p || !p.dataset.presenceUrl) return;
    var body = new FormData();
    body.append("step", selectedStep());
    fetch(p.dataset.presenceUrl, { method: "POST", body: body, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) apply(s); })
      .catch(function () { /* offline for a moment: the next beat tries again */ });
  }

  function refreshState() {
    var p = panel();
    if (!p || !p.dataset.stateUrl) return;
    fetch(p.dataset.stateUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) apply(s); });
  }

  /* ---- badges on the diagram ---- */
  function badge(parent, cls, x, y, label, shape) {
    var g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "cw-live " + cls);
    g.setAttribute("aria-hidden", "true");
    var mark;
    if (shape === "rect") {
      mark = document.createElementNS(SVG, "rect");
      mark.setAttribute("x", x - 12); mark.setAttribute("y", y - 10);
      mark.setAttribute("width", 24); mark.setAttribute("height", 20); mark.setAttribute("rx", 5);
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("cx", x); mark.setAttribute("cy", y); mark.setAttribute("r", 12);
    }
    var text = document.createElementNS(SVG, "text");
    text.setAttribute("x", x); text.setAttribute("y", y);
    text.textContent = label;
    g.appendChild(mark); g.appendChild(text);
    parent.appendChild(g);
  }

  function draw() {
    var d = document.getElementById("diagram");
    if (!d || !state) return;
    d.querySelectorAll(".cw-live").forEach(function (el) { el.remove(); });
    Object.keys(state.dots).forEach(function (id) {
      var g = document.getElementById("step-" + id);
      if (!g || !state.dots[id]) return;
      var b = g.getBBox();
      badge(g, "cw-live-dot", b.x + b.width - 6, b.y + 6, String(state.dots[id]), "circle");
    });
    Object.keys(state.comments).forEach(function (key) {
      var parts = key.split("-");
      var g = parts[0] === "step" ? document.getElementById("step-" + parts[1])
        : d.querySelector('.cw-handoff[data-handoff-id="' + parts[1] + '"]');
      if (!g) return;
      var b = g.getBBox();
      var x = parts[0] === "step" ? b.x + b.width - 8 : b.x + b.width / 2;
      var y = parts[0] === "step" ? b.y + b.height - 6 : b.y + b.height / 2;
      badge(g, "cw-live-comment", x, y, String(state.comments[key]), "rect");
    });
    var stacked = {};
    state.presence.forEach(function (person) {
      if (!person.step) return;
      var g = document.getElementById("step-" + person.step);
      if (!g) return;
      var n = stacked[person.step] = (stacked[person.step] || 0) + 1;
      var b = g.getBBox();
      badge(g, "cw-live-person" + (person.me ? " me" : " other"), b.x + 6 + (n - 1) * 20, b.y + 6, person.initials, "circle");
    });
  }

  /* ---- wiring ---- */
  document.addEventListener("cw:overlay", refreshState);
  // A reload of the panel must not fold up a form someone has just opened.
  var openDetails = [];
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "workshop-panel") {
      openDetails = Array.prototype.map.call(target.querySelectorAll("details[open]"), function (d) { return d.className; });
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "diagram") draw();
    if (event.target && event.target.id === "workshop-panel") {
      openDetails.forEach(function (cls) {
        var d = cls && event.target.querySelector("details." + cls.split(" ")[0]);
        if (d) d.open = true;
      });
      openDetails = [];
      if (state) draw();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("#diagram")) setTimeout(beat, 100);
  });
  document.addEventListener("focusin", function (event) {
    typing = event.target instanceof Element && !!event.target.closest("#workshop-panel textarea, #workshop-panel input[type=text], #workshop-panel input[type=number], #workshop-panel select");
  });
  document.addEventListener("focusout", function () {
    typing = false;
    if (reloadPending) setTimeout(reloadPanel, 200);
  });
  window.addEventListener("pagehide", function () {
    var p = panel();
    if (!p || !navigator.sendBeacon) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf());
    navigator.sendBeacon(p.dataset.leaveUrl, body);
  });
  setInterval(beat, BEAT_MS);
  beat();
})();
