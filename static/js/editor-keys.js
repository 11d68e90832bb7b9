/* The swimlane diagram by keyboard, and its zoom: editor and presentation mode.
 *
 * - The diagram is one Tab stop (a roving tabindex): the server renders every step,
 *   "+" button and handoff with tabindex="-1"; this file gives tabindex="0" to one.
 * - Arrow keys move between steps and the "+" of each cell: left/right across stages,
 *   up/down through a cell's steps and on into the next lane. Home/End go to the
 *   lane's first/last stage, Ctrl+Home/End to the first/last cell.
 * - C goes through the handoffs of the step in focus (Shift+C backwards); Enter opens
 *   one; Escape or an arrow key returns to the step.
 * - Zoom: + and − zoom, 0 fits the whole map, W fits the width, H the height, 1 is
 *   100 %; the zoom bar's buttons do the same. Presentation mode starts fitted.
 * - Presentation mode: Escape leaves it.
 * - After every swap the selected (or new) step is scrolled into view.
 *
 * editor.js keeps pointer gestures, Enter/Space on steps and "+", Alt+arrow moves and
 * undo; both files delegate from the document, so they survive every swap.
 */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root) return;
  var present = root.classList.contains("present");
  var ITEMS = ".cw-step[tabindex], .cw-add[tabindex], .cw-handoff[tabindex]";
  var handoffOrigin = null; // the step whose handoffs C goes through
  var view = { mode: present ? "fit" : "actual", scale: 1 };
  // The zoom a person chose stays with the map for this tab (editor and presentation apart).
  var memory = "cw-zoom-" + (present ? "present-" : "edit-") + root.dataset.mapId;
  try {
    var kept = JSON.parse(window.sessionStorage.getItem(memory) || "null");
    if (kept && typeof kept.scale === "number" && typeof kept.mode === "string") view = kept;
  } catch (e) { /* storage refused: start from the default */ }
  var MIN = 0.15, MAX = 4, FIT_MAX = 2.5, STEP = 1.25;

  function diagram() { return document.getElementById("diagram"); }
  function svg() { var d = diagram(); return d ? d.querySelector("svg.cw-diagram") : null; }
  function inField(el) {
    return el instanceof Element && el.closest("input, textarea, select, [contenteditable]");
  }

  /* ---- the single Tab stop ---- */
  /* The drawing comes with every item at tabindex="-1" and only this file sets a
   * "0", always through setTabStop: it remembers the element instead of searching
   * the drawing's 20,000 nodes for it after every edit. */
  var tabStop = null;
  function heldStop() {
    var d = diagram();
    return tabStop && d && d.contains(tabStop) && tabStop.getAttribute("tabindex") === "0" ? tabStop : null;
  }
  function setTabStop(el, focus) {
    var d = diagram();
    if (!d || !el) return;
    var held = heldStop();
    if (held && held !== el) held.setAttribute("tabindex", "-1");
    tabStop = el;
    if (el.getAttribute("tabindex") !== "0") el.setAttribute("tabindex", "0");
    if (focus) {
      el.focus({ preventScroll: true });
      reveal(el);
    }
  }

  function initialStop() {
    var d = diagram();
    if (!d) return null;
    var held = heldStop();
    if (held && held.matches(ITEMS)) return held;
    var selected = d.dataset.selected && document.getElementById("step-" + d.dataset.selected);
    return selected || d.querySelector(".cw-step[tabindex]") || d.querySelector(".cw-add[tabindex]");
  }

  function ensureTabStop(previousId) {
    var d = diagram();
    if (!d) return;
    // Focus restored inside the diagram wins; then the selected (or new) step; then
    // whatever held the Tab stop before the swap.
    var inside = document.activeElement;
    if (!(inside instanceof Element && inside.matches(ITEMS) && d.contains(inside))) inside = null;
    var keep = previousId && document.getElementById(previousId);
    var selected = d.dataset.selected && document.getElementById("step-" + d.dataset.selected);
    var stop = inside || selected || (keep && keep.matches(ITEMS) ? keep : null) || initialStop();
    if (stop) setTabStop(stop, false);
  }

  /* ---- the grid: lanes × stages, each cell its steps then its "+" ---- */
  function order(selector, key) {
    var seen = [];
    var d = diagram();
    if (!d) return seen;
    d.querySelectorAll(selector).forEach(function (el) {
      var id = el.dataset[key];
      if (seen.indexOf(id) < 0) seen.push(id);
    });
    return seen;
  }
  function cellItems(lane, stage) {
    var d = diagram();
    var sel = '[data-lane-id="' + lane + '"][data-stage-id="' + stage + '"]';
    var steps = Array.prototype.slice.call(d.querySelectorAll(".cw-step[tabindex]" + sel));
    // Shifted steps carry their move as a translation: window.cwBoxOf counts it.
    var box = window.cwBoxOf || function (el) { return el.getBBox(); };
    steps.sort(function (a, b) { return box(a).y - box(b).y; });
    var add = d.querySelector(".cw-add" + sel);
    if (add) steps.push(add);
    return steps;
  }

  function neighbour(el, key, ctrl) {
    var lanes = order(".cw-lane-header", "laneId");
    var stages = order(".cw-stage-header", "stageId");
    var li = lanes.indexOf(el.dataset.laneId);
    var si = stages.indexOf(el.dataset.stageId);
    if (li < 0 || si < 0) return null;
    var here = cellItems(lanes[li], stages[si]);
    var i = here.indexOf(el);
    function at(l, s, index) {
      if (l < 0 || s < 0 || l >= lanes.length || s >= stages.length) return null;
      var items = cellItems(lanes[l], stages[s]);
      if (!items.length) return null;
      return items[index < 0 ? items.length - 1 : Math.min(index, items.length - 1)];
    }
    switch (key) {
      case "ArrowRight": return at(li, si + 1, i);
      case "ArrowLeft": return at(li, si - 1, i);
      case "ArrowDown": return i + 1 < here.length ? here[i + 1] : at(li + 1, si, 0);
      case "ArrowUp": return i > 0 ? here[i - 1] : at(li - 1, si, -1);
      case "Home": return ctrl ? at(0, 0, 0) : at(li, 0, 0);
      case "End": return ctrl ? at(lanes.length - 1, stages.length - 1, -1) : at(li, stages.length - 1, 0);
    }
    return null;
  }

  /* ---- handoffs of a step ---- */
  function handoffsOf(stepId) {
    var d = diagram();
    var out = d.querySelectorAll('.cw-handoff[tabindex][data-from="' + stepId + '"]');
    var into = d.querySelectorAll('.cw-handoff[tabindex][data-to="' + stepId + '"]');
    return Array.prototype.slice.call(out).concat(Array.prototype.slice.call(into));
  }
  function cycleHandoffs(el, backwards) {
    var origin = el.classList.contains("cw-step") ? el.dataset.stepId : handoffOrigin;
    if (!origin) return false;
    var list = handoffsOf(origin);
    if (!list.length) { announce(root.dataset.noHandoffs || ""); return true; }
    var i = list.indexOf(el);
    var next = i < 0 ? (backwards ? list.length - 1 : 0) : (i + (backwards ? -1 : 1) + list.length) % list.length;
    handoffOrigin = origin;
    setTabStop(list[next], true);
    return true;
  }
  function announce(text) {
    var s = document.getElementById("cw-status");
    if (s && text) s.textContent = text;
  }

  /* ---- scrolling a step into view inside the diagram's scroll box ---- */
  function reveal(el) {
    var d = diagram();
    if (!d || !el || !el.getBoundingClientRect) return;
    var r = el.getBoundingClientRect(), box = d.getBoundingClientRect(), margin = 24;
    if (r.left < box.left + margin) d.scrollLeft -= box.left + margin - r.left;
    else if (r.right > box.left + d.clientWidth - margin) d.scrollLeft += r.right - (box.left + d.clientWidth - margin);
    if (r.top < box.top + margin) d.scrollTop -= box.top + margin - r.top;
    else if (r.bottom > box.top + d.clientHeight - margin) d.scrollTop += r.bottom - (box.top + d.clientHeight - margin);
  }

  /* ---- zoom and fit ---- */
  function room() {
    var d = diagram();
    var width = d.clientWidth;
    var height;
    if (present) {
      // Down to the bottom of the window, less the page's bottom padding.
      height = window.innerHeight - d.getBoundingClientRect().top - 16;
    } else {
      // The scroll box's own limit, or what of it is on screen now if that is less.
      var max = parseFloat(getComputedStyle(d).maxHeight);
      var onScreen = window.innerHeight - Math.max(0, d.getBoundingClientRect().top) - 12;
      height = isNaN(max) ? d.clientHeight : max - 2;
      if (onScreen > 200) height = Math.min(height, onScreen);
    }
    return { w: Math.max(width - 2, 50), h: Math.max(height, 50) };
  }
  function applyView() {
    var s = svg();
    if (!s || !s.viewBox || !s.viewBox.baseVal) return;
    // The map's own size; the <svg> itself is its room, larger (editor.js).
    var map = window.cwContentSize ? window.cwContentSize(s) : null;
    var vb = s.viewBox.baseVal;
    if (!map) map = { width: vb.width, height: vb.height };
    if (!map.width || !map.height) return;
    var k = view.scale;
    if (view.mode !== "zoom" && view.mode !== "actual") {
      var space = room();
      var kw = space.w / map.width, kh = space.h / map.height;
      k = view.mode === "width" ? kw : view.mode === "height" ? kh : Math.min(kw, kh);
      k = Math.min(k, FIT_MAX); // a small map fills the screen, not at any size
    } else if (view.mode === "actual") {
      k = 1;
    }
    k = Math.max(MIN, Math.min(MAX, k));
    view.scale = k;
    // Only when the size changes: setting it even to the same value lays out the
    // whole drawing again (see editor.js, setRootAttributes).
    var width = String(Math.round(vb.width * k)), height = String(Math.round(vb.height * k));
    if (s.getAttribute("width") !== width) s.setAttribute("width", width);
    if (s.getAttribute("height") !== height) s.setAttribute("height", height);
    // The room's box shows the map's part of it (a style set from script, which the
    // Content-Security-Policy allows, unlike a style attribute in the markup).
    var box = s.parentNode;
    if (box && box.classList && box.classList.contains("cw-room")) {
      var w = Math.round(map.width * k) + "px", h = Math.round(map.height * k) + "px";
      if (box.style.width !== w) box.style.width = w;
      if (box.style.height !== h) box.style.height = h;
    }
    root.dataset.zoomLevel = String(Math.round(k * 100));
    root.dataset.fitMode = view.mode;
    var level = document.getElementById("zoom-level");
    if (level) level.textContent = Math.round(k * 100) + " %";
    document.querySelectorAll("button[data-zoom]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.zoom === view.mode));
    });
  }
  function zoom(action) {
    var d = diagram();
    var stop = d && heldStop();
    if (action === "in" || action === "out") {
      view.scale = view.scale * (action === "in" ? STEP : 1 / STEP);
      view.mode = "zoom";
    } else {
      view.mode = action; // fit, width, height, actual
    }
    applyView();
    try { window.sessionStorage.setItem(memory, JSON.stringify(view)); } catch (e) { /* not kept */ }
    if (stop && document.activeElement === stop) reveal(stop);
  }
  var ZOOM_KEYS = { "+": "in", "=": "in", "-": "out", "_": "out", "−": "out", "0": "fit", "w": "width", "W": "width", "h": "height", "H": "height", "1": "actual" };

  document.addEventListener("click", function (event) {
    var t = event.target;
    var button = t instanceof Element ? t.closest("button[data-zoom]") : null;
    if (button) { event.preventDefault(); zoom(button.dataset.zoom); }
  });

  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (!(t instanceof Element) || inField(t)) return;
    if (event.key === "Escape" && present && !document.fullscreenElement) {
      var leave = document.querySelector("[data-leave-presentation]");
      if (leave) { event.preventDefault(); window.location.assign(leave.href); }
      return;
    }
    var item = t.closest("#diagram .cw-step, #diagram .cw-add, #diagram .cw-handoff");
    if (item && !event.altKey && !event.metaKey) {
      var isHandoff = item.classList.contains("cw-handoff");
      if ((event.key === "c" || event.key === "C") && !event.ctrlKey) {
        if (cycleHandoffs(item, event.shiftKey)) { event.preventDefault(); return; }
      }
      if (isHandoff && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        item.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        return;
      }
      if (isHandoff && (event.key === "Escape" || event.key.indexOf("Arrow") === 0)) {
        var back = handoffOrigin && document.getElementById("step-" + handoffOrigin);
        if (back) { event.preventDefault(); setTabStop(back, true); }
        return;
      }
      if (!isHandoff && !event.shiftKey) {
        var next = neighbour(item, event.key, event.ctrlKey);
        if (next) { event.preventDefault(); setTabStop(next, true); return; }
        if (event.key.indexOf("Arrow") === 0) { event.preventDefault(); return; }
      }
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var action = ZOOM_KEYS[event.key];
    if (action && svg()) { event.preventDefault(); zoom(action); }
  });

  // Focus moved into the diagram by a pointer or a script: that element is the Tab stop.
  document.addEventListener("focusin", function (event) {
    var t = event.target;
    if (t instanceof Element && t.matches(ITEMS) && t.closest("#diagram")) {
      if (t.getAttribute("tabindex") !== "0") setTabStop(t, false);
      if (t.classList.contains("cw-step")) handoffOrigin = t.dataset.stepId;
    }
  });

  /* ---- after every swap: zoom, Tab stop and the selected step in view ---- */
  var before = null;
  // A new or newly selected step is brought into view; an answer that changed nothing
  // about the selection (an edit of the selected step, a poll) leaves the scroll alone.
  var shownSelection = diagram() ? diagram().dataset.selected || null : null;
  function revealNewSelection() {
    var d = diagram();
    var sel = d ? d.dataset.selected || null : null;
    if (sel && sel !== shownSelection) reveal(document.getElementById("step-" + sel));
    shownSelection = sel;
  }
  document.body.addEventListener("htmx:beforeSwap", function () {
    var d = diagram();
    var stop = d && heldStop();
    before = { id: stop ? stop.id : null, selected: d ? d.dataset.selected : null };
  });
  document.body.addEventListener("htmx:afterSwap", function () { applyView(); });
  document.body.addEventListener("htmx:afterSettle", function () {
    var d = diagram();
    if (!d) return;
    applyView();
    ensureTabStop(before && before.id);
    revealNewSelection();
    before = null;
  });
  // An edit's answer patches the drawing in place (editor.js): keep one Tab stop.
  document.addEventListener("cw:diagram-patched", function () {
    applyView();
    ensureTabStop(before && before.id);
    revealNewSelection();
  });
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { if (view.mode !== "zoom") applyView(); }, 80);
  });
  document.addEventListener("fullscreenchange", function () { setTimeout(applyView, 50); });

  applyView();
  ensureTabStop(null);
  var first = diagram();
  if (first && first.dataset.selected) reveal(document.getElementById("step-" + first.dataset.selected));
})();
