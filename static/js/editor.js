/* Crosswalk swimlane editor: selection, drag and drop, keyboard moves, shortcuts.
 *
 * The server renders everything; this file only turns pointer and key gestures
 * into the same htmx requests the side panel's buttons make. Handlers are
 * delegated from the document, so they keep working after every swap of the
 * diagram (by an edit or by polling).
 */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root || !window.htmx) return;
  var canEdit = root.dataset.canEdit === "true";
  var selectedId = null;
  var drag = null;
  var suppressClick = false;
  var DRAG_THRESHOLD = 6;

  function diagram() { return document.getElementById("diagram"); }
  function csrfHeaders() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { return {}; }
  }
  function stepUrl(name, id) { return root.dataset[name].replace("/steps/0/", "/steps/" + id + "/").replace("/handoffs/0/", "/handoffs/" + id + "/"); }
  function announce(text) { var s = document.getElementById("cw-status"); if (s) s.textContent = text; }

  /* An element the server moved down or up without sending it again (a patch's
   * data-cw-shift) keeps its markup and carries the move as a translation: its
   * own transform (if any) stays in data-cw-base, the move in data-cw-dy. */
  function shiftOf(el) { return Number(el.getAttribute("data-cw-dy")) || 0; }
  function placeAt(el, dx, dy) {
    var base = el.getAttribute("data-cw-base") || "";
    var total = shiftOf(el) + dy;
    if (!dx && !total && !base) { el.removeAttribute("transform"); return; }
    el.setAttribute("transform", "translate(" + dx + " " + total + ")" + (base ? " " + base : ""));
  }
  function shiftBy(el, dy) {
    if (!el.hasAttribute("data-cw-dy")) el.setAttribute("data-cw-base", el.getAttribute("transform") || "");
    el.setAttribute("data-cw-dy", String(Math.round((shiftOf(el) + dy) * 100) / 100));
    placeAt(el, 0, 0);
  }
  // An element drawn anew where it is: a shift from earlier patches goes (only
  // elements without a transform of their own get new drawings in place).
  function unshift(el) {
    if (!el.hasAttribute("data-cw-dy")) return;
    el.removeAttribute("data-cw-dy");
    el.removeAttribute("data-cw-base");
    el.removeAttribute("transform");
  }
  // The box an element is drawn in, in the drawing's coordinates (getBBox leaves out its shift).
  function boxOf(el) {
    var b = el.getBBox();
    return { x: b.x, y: b.y + shiftOf(el), width: b.width, height: b.height };
  }
  window.cwBoxOf = boxOf;

  // A step's panel replaces the one shown without htmx's per-node cleanup
  // ("cw-replace", below); the extension is found from the editor's root.
  function panel(url) {
    return htmx.ajax("GET", url, { target: "#side-panel", swap: "cw-replace", source: root });
  }
  function post(url, values) {
    return htmx.ajax("POST", url, {
      target: "#diagram", swap: "outerHTML", values: values, headers: csrfHeaders(), source: diagram()
    });
  }

  function markSelected() {
    var d = diagram();
    if (!d) return;
    d.querySelectorAll(".cw-step.cw-selected").forEach(function (g) {
      if (String(g.dataset.stepId) !== String(selectedId)) g.classList.remove("cw-selected");
    });
    if (selectedId) {
      var g = document.getElementById("step-" + selectedId);
      if (g) g.classList.add("cw-selected");
    }
  }

  function select(step) {
    if (!canEdit) return;
    selectedId = step.dataset.stepId;
    markSelected();
    panel(stepUrl("stepUrl", selectedId));
  }

  function order(selector, attr) {
    var seen = [];
    document.querySelectorAll("#diagram " + selector).forEach(function (el) {
      var id = el.getAttribute(attr);
      if (seen.indexOf(id) < 0) seen.push(id);
    });
    return seen;
  }

  function moveBy(step, dLane, dStage) {
    var lanes = order(".cw-lane-header", "data-lane-id");
    var stages = order(".cw-stage-header", "data-stage-id");
    var li = lanes.indexOf(step.dataset.laneId) + dLane;
    var si = stages.indexOf(step.dataset.stageId) + dStage;
    if (li < 0 || si < 0 || li >= lanes.length || si >= stages.length) return;
    selectedId = step.dataset.stepId;
    post(stepUrl("moveUrl", step.dataset.stepId), {
      version: step.dataset.version, lane: lanes[li], stage: stages[si]
    });
  }

  function connect(fromId, toId) {
    post(root.dataset.handoffAddUrl, { from_step: fromId, to_step: toId });
    announce("Connecting steps");
  }

  /* ---- clicks and keys on the diagram ---- */
  document.addEventListener("click", function (event) {
    if (!canEdit) return;
    if (suppressClick) { suppressClick = false; event.preventDefault(); return; }
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("#diagram")) return;
    var step = target.closest(".cw-step");
    if (step) {
      if (event.shiftKey && selectedId && selectedId !== step.dataset.stepId) {
        connect(selectedId, step.dataset.stepId);
      } else {
        select(step);
      }
      return;
    }
    var add = target.closest(".cw-add");
    if (add) {
      panel(root.dataset.addUrl + "?lane=" + add.dataset.laneId + "&stage=" + add.dataset.stageId);
      return;
    }
    // A handoff's label opens the handoff too: it is where the eye (and the pointer) goes.
    var handoff = target.closest(".cw-handoff, .cw-handoff-label");
    if (handoff) { panel(stepUrl("handoffUrl", handoff.dataset.handoffId)); return; }
    if (target.closest(".cw-lane-header, .cw-stage-header")) panel(root.dataset.structureUrl);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var inField = target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
    if (canEdit && !inField && (event.ctrlKey || event.metaKey) && (event.key === "z" || event.key === "Z" || event.key === "y")) {
      event.preventDefault();
      var redo = event.key === "y" || event.shiftKey;
      // Name the change the button shows, so a change someone made meanwhile is not undone blindly.
      var named = document.getElementById(redo ? "redo-change" : "undo-change");
      post(root.dataset[redo ? "redoUrl" : "undoUrl"], named ? { change: named.value } : {});
      announce(redo ? "Redo" : "Undo");
      return;
    }
    if (event.key === "Escape") hideTooltip();
    if (!(target instanceof Element)) return;
    if ((event.key === "f" || event.key === "F") && !inField && document.querySelector("[data-fullscreen]")) {
      toggleFullscreen();
      return;
    }
    if (!canEdit) return;
    var step = target.closest("#diagram .cw-step");
    var add = target.closest("#diagram .cw-add");
    if ((event.key === "Enter" || event.key === " ") && (step || add)) {
      event.preventDefault();
      (step || add).dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: event.shiftKey }));
      return;
    }
    if (step && event.altKey) {
      var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
      var m = moves[event.key];
      if (m) { event.preventDefault(); moveBy(step, m[0], m[1]); }
    }
  });

  /* ---- drag and drop of steps onto cells ---- */
  function svgPoint(svg, event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  // The cells' boxes, read once when a drag starts: a drag moves only the step,
  // and reading them on every pointer move laid the drawing out each time.
  function cellBoxes(svg) {
    return Array.prototype.map.call(svg.querySelectorAll(".cw-cell"), function (cell) {
      return { cell: cell, box: boxOf(cell) };
    });
  }
  function cellAt(cells, pt) {
    for (var i = 0; i < cells.length; i++) {
      var b = cells[i].box;
      if (pt.x >= b.x && pt.x <= b.x + b.width && pt.y >= b.y && pt.y <= b.y + b.height) return cells[i].cell;
    }
    return null;
  }
  /* Where among a cell's steps the pointer is: the middles of the cell's other
   * steps, read when the pointer first enters the cell (a pointer move is followed
   * by a frame anyway), so the drop itself reads no layout before its request. */
  function middlesIn(svg, cell, stepId) {
    var middles = [];
    svg.querySelectorAll('.cw-step[data-lane-id="' + cell.dataset.laneId + '"][data-stage-id="' + cell.dataset.stageId + '"]').forEach(function (g) {
      if (g.dataset.stepId === stepId) return;
      var b = boxOf(g);
      middles.push(b.y + b.height / 2);
    });
    return middles;
  }
  function positionIn(middles, pt) {
    return middles.filter(function (y) { return y < pt.y; }).length;
  }

  document.addEventListener("pointerdown", function (event) {
    if (!canEdit || event.button !== 0 || event.shiftKey) return;
    var target = event.target;
    if (!(target instanceof Element)) return;
    var step = target.closest("#diagram .cw-step");
    if (!step) return;
    var svg = step.ownerSVGElement;
    drag = { step: step, svg: svg, start: svgPoint(svg, event), x: event.clientX, y: event.clientY, active: false, cell: null };
  });

  function dragTo(clientX, clientY) {
    var pt = svgPoint(drag.svg, { clientX: clientX, clientY: clientY });
    placeAt(drag.step, pt.x - drag.start.x, pt.y - drag.start.y);
    var cell = cellAt(drag.cells, pt);
    if (drag.cell && drag.cell !== cell) drag.cell.classList.remove("cw-drop-target");
    if (cell && cell !== drag.cell) {
      cell.classList.add("cw-drop-target");
      drag.middles = middlesIn(drag.svg, cell, drag.step.dataset.stepId);
    }
    drag.cell = cell;
    drag.point = pt;
  }

  /* Near an edge of the scrolled canvas the canvas scrolls, faster the closer the
   * pointer, every frame while the pointer stays there (no pointermove then). */
  var EDGE = 48, MAX_SPEED = 24;
  function edgeSpeed(pos, low, high) {
    if (pos < low + EDGE) return -Math.ceil(MAX_SPEED * Math.min(1, (low + EDGE - pos) / EDGE));
    if (pos > high - EDGE) return Math.ceil(MAX_SPEED * Math.min(1, (pos - high + EDGE) / EDGE));
    return 0;
  }
  function autoScroll() {
    if (!drag || !drag.active) return;
    var wrap = diagram();
    if (wrap) {
      var r = wrap.getBoundingClientRect();
      var dx = edgeSpeed(drag.clientX, r.left, r.right), dy = edgeSpeed(drag.clientY, r.top, r.bottom);
      var left = wrap.scrollLeft, top = wrap.scrollTop;
      if (dx || dy) wrap.scrollBy(dx, dy);
      if (wrap.scrollLeft !== left || wrap.scrollTop !== top) dragTo(drag.clientX, drag.clientY);
    }
    drag.frame = requestAnimationFrame(autoScroll);
  }

  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    if (!drag.active) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < DRAG_THRESHOLD) return;
      drag.active = true;
      drag.cells = cellBoxes(drag.svg);
      drag.step.classList.add("cw-dragging");
      drag.svg.classList.add("cw-drag-active");
      drag.frame = requestAnimationFrame(autoScroll);
    }
    drag.clientX = event.clientX;
    drag.clientY = event.clientY;
    dragTo(event.clientX, event.clientY);
  });

  function endDrag(commit) {
    if (!drag) return;
    var d = drag;
    drag = null;
    if (!d.active) return;
    if (d.frame) cancelAnimationFrame(d.frame);
    suppressClick = true;
    setTimeout(function () { suppressClick = false; }, 0);
    d.step.classList.remove("cw-dragging");
    d.svg.classList.remove("cw-drag-active");
    if (d.cell) d.cell.classList.remove("cw-drop-target");
    if (commit && d.cell) {
      selectedId = d.step.dataset.stepId;
      lastDragged = d.step;
      post(stepUrl("moveUrl", d.step.dataset.stepId), {
        version: d.step.dataset.version,
        lane: d.cell.dataset.laneId,
        stage: d.cell.dataset.stageId,
        position: positionIn(d.middles, d.point)
      });
    } else {
      placeAt(d.step, 0, 0);
    }
  }
  document.addEventListener("pointerup", function () { endDrag(true); });
  document.addEventListener("pointercancel", function () { endDrag(false); });

  /* ---- an edit's answer: only what changed, patched under the same scrolled wrapper ----
   * The server sends the diagram out of band with the swap style "cw-diagram"
   * (valuestreams/views/editor_live.py): either a patch (data-patch: an <svg> whose
   * children are operations on the drawing shown) or a whole <svg>. Either way the
   * wrapper stays, so its scroll position does too, and unchanged nodes are kept. */
  var WRAPPER_ATTRS = ["data-version", "hx-get", "data-selected", "data-drawing"];
  /* The element with focus (a step just dragged or moved by keys) is not replaced
   * but takes the new one's attributes and drawing: replacing it would drop focus
   * (a screen reader starts over at the page) and htmx would focus its twin again,
   * laying the whole page out in the middle of the swap. */
  function takeOver(old, el) {
    // Its tabindex stays: it is the diagram's Tab stop (editor-keys.js), and changing
    // the tabindex of the focused element makes Chromium lay the page out at once.
    Array.prototype.slice.call(old.attributes).forEach(function (a) {
      if (a.name !== "tabindex" && !el.hasAttribute(a.name)) old.removeAttribute(a.name);
    });
    Array.prototype.slice.call(el.attributes).forEach(function (a) {
      if (a.name !== "tabindex" && old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
    });
    old.replaceChildren.apply(old, Array.prototype.slice.call(el.childNodes));
    // A step dropped here: the server's attributes replaced the drag's offset.
    if (old === lastDragged) lastDragged = null;
  }
  var lastDragged = null;
  function applyPatch(svg, patch) {
    var tops = Array.prototype.slice.call(svg.children);
    Array.prototype.slice.call(patch.children).forEach(function (op) {
      var el = op.firstElementChild;
      if (op.hasAttribute("data-cw-at")) {
        var at = Number(op.getAttribute("data-cw-at"));
        if (el && tops[at]) { tops[at].replaceWith(el); tops[at] = el; }
      } else if (op.hasAttribute("data-cw-in")) {
        var layer = tops[Number(op.getAttribute("data-cw-in"))];
        if (!el || !layer) return;
        var old = el.id && document.getElementById(el.id);
        if (old && old.parentNode === layer) {
          if (old.contains(document.activeElement)) takeOver(old, el);
          else old.replaceWith(el);
          return;
        }
        var ref = document.getElementById(op.getAttribute("data-cw-before") || "");
        layer.insertBefore(el, ref && ref.parentNode === layer ? ref : null);
      } else if (op.hasAttribute("data-cw-paths")) {
        // Only its paths' data changed (a handoff routed anew), and paths are all it places.
        var routed = document.getElementById(op.getAttribute("data-cw-paths"));
        if (!routed || !svg.contains(routed)) return;
        // An empty entry repeats the one before it (a handoff's hit area under its line).
        var data = op.getAttribute("data-d").split("|");
        for (var k = 1; k < data.length; k++) if (data[k] === "") data[k] = data[k - 1];
        var paths = Array.prototype.filter.call(routed.querySelectorAll("[d]"), function (p) { return !p.closest(".cw-live"); });
        paths.forEach(function (p, i) { if (data[i] !== undefined && p.getAttribute("d") !== data[i]) p.setAttribute("d", data[i]); });
        unshift(routed);
      } else if (op.hasAttribute("data-cw-body")) {
        // Only the drawing after the <title> is new: the group, its name and title stay.
        var host = document.getElementById(op.getAttribute("data-cw-body"));
        var title = host && svg.contains(host) ? host.querySelector(":scope > title") : null;
        if (!title) return;
        while (title.nextSibling) title.nextSibling.remove();
        while (op.firstChild) host.appendChild(op.firstChild);
        unshift(host);
      } else if (op.hasAttribute("data-cw-shift")) {
        var dy = Number(op.getAttribute("data-cw-shift"));
        (op.getAttribute("data-cw-ids") || "").split(" ").forEach(function (id) {
          var moved = id && document.getElementById(id);
          if (moved && svg.contains(moved)) shiftBy(moved, dy);
        });
        (op.getAttribute("data-cw-tops") || "").split(" ").forEach(function (at) {
          if (at && tops[Number(at)]) shiftBy(tops[Number(at)], dy);
        });
      } else if (op.hasAttribute("data-cw-remove")) {
        op.getAttribute("data-cw-remove").split(" ").forEach(function (id) {
          var gone = id && document.getElementById(id);
          if (gone && svg.contains(gone)) gone.remove();
        });
      }
    });
    setRootAttributes(svg, patch);
  }
  /* The root's attributes change only where they differ: setting the <svg>'s
   * viewBox, width or height, even to the value it has, makes Chromium lay out
   * every text of the drawing again (35-280 ms at 1,000 steps) instead of the
   * patched nodes only. The viewBox names the drawing's room (below); width and
   * height follow it and the zoom (editor-keys.js sizes them after every patch). */
  function setRootAttributes(svg, patch) {
    var roomed = inRoom(svg), sameBox = patch.getAttribute("viewBox") === svg.getAttribute("viewBox");
    Array.prototype.slice.call(patch.attributes).forEach(function (a) {
      if (a.name === "xmlns") return;
      if ((a.name === "width" || a.name === "height") && (roomed || sameBox)) return;
      if (a.name === "viewBox" && roomed) { placeInRoom(svg, a.value); return; }
      if (svg.getAttribute(a.name) !== a.value) svg.setAttribute(a.name, a.value);
    });
  }
  /* ---- the drawing's room ----
   * Any change of the <svg>'s own size (viewBox, width or height, as attributes
   * or styles) lays out every text again, even where the scale stays: 35 ms at
   * 1,000 steps, the largest part of painting a move that makes a lane taller.
   * So the <svg> is drawn in a room larger than the map (its viewBox), and the
   * .cw-room box around it shows the map's own part (data-cw-content): an edit
   * that grows or shrinks the map inside its room only resizes that box (half a
   * millisecond). The room grows when the map outgrows it, and shrinks when the
   * map is much smaller than it. Without a .cw-room (presentation mode, which
   * fits the map to the screen anyway, and a share link's page) the viewBox
   * stays the map's own. */
  var ROOM_FACTOR = 1.25, ROOM_MIN = 480;
  function roomFor(size) { return Math.ceil(Math.max(size * ROOM_FACTOR, size + ROOM_MIN)); }
  function numbers(box) {
    var n = String(box || "").trim().split(/[\s,]+/).map(Number);
    return n.length === 4 && n.every(isFinite) ? n : null;
  }
  function inRoom(svg) {
    var room = svg.parentNode;
    return !!(room && room.classList && room.classList.contains("cw-room"));
  }
  function placeInRoom(svg, box) {
    var content = numbers(box);
    if (!content) return;
    // An <svg> new from the server has the map's own size as its viewBox: no room yet.
    var now = svg.hasAttribute("data-cw-content") ? numbers(svg.getAttribute("viewBox")) : null;
    svg.setAttribute("data-cw-content", content.join(" "));
    var fits = now && now[0] === content[0] && now[1] === content[1] &&
      now[2] >= content[2] && now[3] >= content[3] &&
      now[2] <= roomFor(content[2]) * 1.5 && now[3] <= roomFor(content[3]) * 1.5;
    if (!fits) svg.setAttribute("viewBox", [content[0], content[1], roomFor(content[2]), roomFor(content[3])].join(" "));
  }
  /* The map's own size in the drawing's units; an <svg> not yet in its room (the
   * page's first, a whole drawing swapped in) is put there first. */
  window.cwContentSize = function (svg) {
    if (inRoom(svg) && !svg.hasAttribute("data-cw-content")) placeInRoom(svg, svg.getAttribute("viewBox"));
    var content = numbers(svg.getAttribute("data-cw-content") || svg.getAttribute("viewBox"));
    return content ? { width: content[2], height: content[3] } : null;
  };
  /* A form is the same form when it posts to the same place with the same hidden
   * fields (the cell of an add form); the CSRF token is masked anew with every
   * answer, and the version is bumped by a write of the step (a move) while the
   * form is still the one the facilitator was typing into: neither counts. */
  function formIdentity(form) {
    var hidden = Array.prototype.map.call(form.querySelectorAll("input[type=hidden]"), function (input) {
      return input.name === "csrfmiddlewaretoken" || input.name === "version" ? "" : input.name + "=" + input.value;
    });
    return (form.getAttribute("action") || "") + "?" + hidden.sort().join("&");
  }
  // What the field holds now, or (`stored`) what the server gave it, as text.
  function valueOf(field, stored) {
    if (field.type === "checkbox" || field.type === "radio") return String(stored ? field.defaultChecked : field.checked);
    if (field instanceof HTMLSelectElement) {
      return Array.prototype.filter.call(field.options, function (o) { return stored ? o.defaultSelected : o.selected; })
        .map(function (o) { return o.value; }).join("\n");
    }
    return stored ? field.defaultValue : field.value;
  }
  function edited(field) { return valueOf(field, false) !== valueOf(field, true); }
  /* A new side panel keeps what was typed into its forms and not saved yet: a panel
   * fetched again (a second click on the same "+" or step while typing into the first
   * answer), or answered by another write (the step dragged, moved by Alt+arrows or a
   * move button, a handoff added), keeps the typing, the focus and the caret in the
   * same form. Only the form just submitted shows what the server kept. Where someone
   * else has saved a typed field meanwhile, the form keeps the version it was typed
   * against: its Save is refused (409) with the newer value beside the typed one,
   * never written over it. */
  function carryOver(old, next, submitted) {
    var active = document.activeElement;
    var twins = Object.create(null);  // each new form by its identity, worked out once
    next.querySelectorAll("form").forEach(function (f) {
      var identity = formIdentity(f);
      if (!twins[identity]) twins[identity] = f;
    });
    old.querySelectorAll("form").forEach(function (form) {
      if (submitted && (form === submitted || form.contains(submitted))) return;
      var twin = twins[formIdentity(form)];
      if (!twin) return;
      var overtaken = false;
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "hidden" || field.type === "submit") return;
        var isChoice = field.type === "checkbox" || field.type === "radio";
        var same = Array.prototype.find.call(twin.elements, function (f) {
          return f.name === field.name && (!isChoice || f.value === field.value);
        });
        if (!same) return;
        if (edited(field)) {
          if (valueOf(field, true) !== valueOf(same, true)) overtaken = true;
          if (isChoice) same.checked = field.checked;
          else same.value = field.value;
        }
        if (field === active) {
          same.setAttribute("data-cw-keep-focus", "");
          if (typeof field.selectionStart === "number" && field.selectionStart !== null) {
            same.dataset.cwCaret = field.selectionStart + "," + field.selectionEnd;
          }
        }
      });
      var seen = form.querySelector("input[name=version]"), now = twin.querySelector("input[name=version]");
      if (overtaken && seen && now) now.value = seen.value;
    });
  }
  var panelVerb = null, panelSource = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail && event.detail.requestConfig;
    panelVerb = config ? String(config.verb).toLowerCase() : null;
    panelSource = config ? config.elt : null;
  });
  /* "cw-replace" (the side panel after an edit): outerHTML without htmx's cleanup,
   * which fires two events on every element of the old panel, 1,300 of them with
   * the step list of a 1,000-step map (a third of the browser's work for a save).
   * Nothing in the panel polls or listens elsewhere, so there is nothing to clean:
   * its nodes go with their own listeners. */
  function replace(target, fragment, settleInfo) {
    var next = fragment.firstElementChild;
    if (!next) return false;
    carryOver(target, next, panelVerb === "get" ? null : panelSource);
    target.replaceWith(next);
    // Its forms post through htmx from now on: htmx would process the new panel only
    // when it settles (20 ms later), and a Save pressed before that posted the form
    // natively and reloaded the page.
    htmx.process(next);
    // The field being typed into takes focus and caret at once, in the same task as
    // the swap: keys pressed before the panel settles must land where they would have.
    var kept = next.querySelector("[data-cw-keep-focus]");
    if (kept) {
      kept.removeAttribute("data-cw-keep-focus");
      kept.focus({ preventScroll: true });
      var caret = (kept.dataset.cwCaret || "").split(",");
      delete kept.dataset.cwCaret;
      if (caret.length === 2 && kept.setSelectionRange) kept.setSelectionRange(Number(caret[0]), Number(caret[1]));
    }
    // htmx's swap and settle events go to the new panel, as after an outerHTML swap.
    if (settleInfo) {
      settleInfo.elts = settleInfo.elts.filter(function (e) { return e !== target; });
      settleInfo.elts.push(next);
    }
    return [next];
  }
  htmx.defineExtension("cw-diagram", {
    isInlineSwap: function (style) { return style === "cw-diagram" || style === "cw-replace"; },
    handleSwap: function (style, target, fragment, settleInfo) {
      if (style === "cw-replace") return replace(target, fragment, settleInfo);
      if (style !== "cw-diagram") return false;
      var incoming = fragment.firstElementChild;
      var fresh = incoming && incoming.querySelector("svg");
      if (!fresh) return false;
      var svg = target.querySelector("svg.cw-diagram");
      // A patch leaves the scroll position alone; reading or setting it after the
      // patch would lay the page out at once, and again for the paint.
      var patched = !!svg && incoming.hasAttribute("data-patch");
      var left = patched ? 0 : target.scrollLeft, top = patched ? 0 : target.scrollTop;
      if (patched) applyPatch(svg, fresh);
      else if (svg) svg.replaceWith(fresh);
      else (target.querySelector(".cw-room") || target).appendChild(fresh);
      WRAPPER_ATTRS.forEach(function (name) {
        var value = incoming.getAttribute(name);
        if (value === null) target.removeAttribute(name);
        else if (target.getAttribute(name) !== value) target.setAttribute(name, value);
      });
      if (!patched) { target.scrollLeft = left; target.scrollTop = top; }
      // A step dropped where it was keeps its markup: undo the drag's offset by hand.
      if (lastDragged && lastDragged.isConnected) placeAt(lastDragged, 0, 0);
      lastDragged = null;
      // Patched nodes come with the server's tab order: editor-keys.js restores its own.
      target.dispatchEvent(new CustomEvent("cw:diagram-patched", { bubbles: true }));
      // Nothing for htmx to process: the drawing has no hx- attributes, and processing
      // the wrapper would search all its nodes (an XPath query over every attribute,
      // about 100 ms at 1,000 steps) after every edit and poll. Its poll asks with
      // the version shown (htmx:configRequest below).
      return [];
    }
  });
  root.setAttribute("hx-ext", "cw-diagram");
  // The URL htmx set the poll up with, at load: it stays the poll's, as the wrapper
  // is never processed again (see handleSwap).
  var pollSetUp = diagram() && diagram().getAttribute("hx-get");
  document.body.addEventListener("htmx:configRequest", function (event) {
    // Name the drawing shown, so the answer can be only the difference.
    var d = diagram();
    var t = event.detail && event.detail.target;
    // The poll asks for changes since the version shown now (the wrapper's hx-get).
    if (d && event.detail.elt === d && pollSetUp && event.detail.path === pollSetUp) event.detail.path = d.getAttribute("hx-get");
    if (d && t && t.id === "diagram" && d.dataset.drawing) event.detail.headers["CW-Drawing"] = d.dataset.drawing;
    // The map as text is rendered again only while someone has it open: on a
    // 1,000-step map its two tables cost more than the rest of the answer.
    if (document.querySelector("details.map-as-text[open]")) event.detail.headers["CW-Map-Text"] = "open";
  });
  // Opened after edits that left it out: fetch it now (a poll that asks for everything).
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.classList.contains("map-as-text")) return;
    var text = document.getElementById("map-as-text");
    var d = diagram();
    if (!text || !text.hasAttribute("data-stale") || !d || !d.getAttribute("hx-get")) return;
    htmx.ajax("GET", d.getAttribute("hx-get").replace(/version=\d+/, "version=0"), { source: d, swap: "none" });
  }, true);

  /* ---- keep focus, selection and calm polling across swaps ---- */
  var focusedId = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    // Never replace the diagram under a drag in progress.
    var elt = event.detail && event.detail.elt;
    if (drag && drag.active && elt && elt.id === "diagram" && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      event.preventDefault();
    }
  });
  document.body.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focusedId = active && active.closest && active.closest("#diagram") ? active.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    markSelected();
    // Only focus the swap took away comes back: an answer that arrives after the
    // facilitator moved on (the workshop panel's refresh, a poll) must not pull
    // focus out of the field they are in now.
    var current = document.activeElement;
    var lost = !current || current === document.body || !current.isConnected;
    if (focusedId && lost) {
      var el = document.getElementById(focusedId);
      if (el && el.focus) el.focus({ preventScroll: true });
    }
    focusedId = null;
    var sel = diagram() && diagram().dataset.selected;
    if (sel) selectedId = sel;
  });

  /* ---- the side panel: focus, announcement, remembered sections, time read-back ----
   * After every swap of the panel (a step saved, moved, connected, the panel
   * closed, something deleted) focus goes to the panel's first autofocus field
   * or its heading, unless it was in the diagram (then it stays on the selected
   * step), and the panel's opening is announced in #cw-status. */
  var REMEMBER = "cw-editor-details:";
  function rememberDetails(scope) {
    scope.querySelectorAll("details[data-remember]").forEach(function (d) {
      var kept = null;
      try { kept = window.sessionStorage.getItem(REMEMBER + d.dataset.remember); } catch (e) { kept = null; }
      // An error inside keeps the section open whatever was remembered.
      if (kept !== null && !d.querySelector(".has-error")) d.open = kept === "open";
    });
  }
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (!(d instanceof HTMLDetailsElement) || !d.dataset.remember) return;
    try { window.sessionStorage.setItem(REMEMBER + d.dataset.remember, d.open ? "open" : "closed"); } catch (e) { /* private mode */ }
  }, true);

  function formatMinutes(form, minutes) {
    var day = Number(form.querySelector("[data-day-minutes]").dataset.dayMinutes) || 480;
    var amount = minutes, unit = form.dataset.unitMin;
    if (minutes >= day) { amount = minutes / day; unit = form.dataset.unitD; }
    else if (minutes >= 60) { amount = minutes / 60; unit = form.dataset.unitH; }
    var text = (Math.round(amount * 10) / 10).toLocaleString(document.documentElement.lang || undefined);
    return text + " " + unit;
  }
  var UNITS = { m: 1, min: 1, mins: 1, minute: 1, minutes: 1, minuut: 1, minuten: 1,
    h: 60, hr: 60, hrs: 60, hour: 60, hours: 60, u: 60, uur: 60, uren: 60, std: 60, stunde: 60, stunden: 60,
    d: "d", day: "d", days: "d", dag: "d", dagen: "d", t: "d", tag: "d", tage: "d" };
  // The same reading as units.parse_duration on the server: a plain number is minutes.
  function parseDuration(text, day) {
    var rest = text.trim().toLowerCase(), total = 0;
    if (!rest) return null;
    var part = /^\s*(-?(?:\d+(?:[.,]\d+)?|[.,]\d+))\s*([a-z\u00c0-\u024f]*)\s*/;
    while (rest) {
      var m = part.exec(rest);
      if (!m) return NaN;
      var size = m[2] ? UNITS[m[2]] : 1;
      if (size === undefined) return NaN;
      total += Number(m[1].replace(",", ".")) * (size === "d" ? day : size);
      rest = rest.slice(m[0].length);
    }
    return total;
  }
  function readBack(input) {
    var form = input.form, out = document.getElementById(input.id + "_readback");
    if (!form || !out) return;
    var day = Number(input.dataset.dayMinutes) || 480;
    var minutes = parseDuration(input.value, day);
    if (minutes === null) { out.textContent = ""; return; }
    if (isNaN(minutes)) { out.textContent = form.dataset.readbackInvalid; return; }
    out.textContent = form.dataset.readback.replace("{amount}", formatMinutes(form, minutes)).replace("{day}", form.dataset.day);
  }
  document.addEventListener("input", function (event) {
    var t = event.target;
    if (t instanceof HTMLInputElement && t.dataset.dayMinutes) readBack(t);
  });

  var panelFocus = false;
  document.body.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    var panelEl = document.getElementById("side-panel");
    // Focus that was in the panel (or nowhere) follows the panel; focus in the diagram stays there.
    panelFocus = !active || active === document.body || !!(panelEl && panelEl.contains(active));
  });
  function panelSwapped() {
    var panelEl = document.getElementById("side-panel");
    if (!panelEl || panelEl.dataset.seen === "1") return;
    panelEl.dataset.seen = "1";
    rememberDetails(panelEl);
    panelEl.querySelectorAll("input[data-day-minutes]").forEach(readBack);
    if (panelEl.dataset.announce) announce(panelEl.dataset.announce);
    var lost = document.activeElement === document.body || !document.activeElement;
    // Focus already in the new panel (a field carried over and typed into) stays.
    var inPanel = panelEl.contains(document.activeElement) && document.activeElement !== panelEl;
    if (!inPanel && (panelFocus || lost)) {
      var target = panelEl.querySelector("[autofocus]") || document.getElementById("panel-h");
      if (target) target.focus({ preventScroll: false });
    }
    panelFocus = false;
  }
  document.body.addEventListener("htmx:afterSettle", panelSwapped);
  document.body.addEventListener("htmx:oobAfterSwap", function () { setTimeout(panelSwapped, 0); });
  var firstPanel = document.getElementById("side-panel");
  if (firstPanel) {
    firstPanel.dataset.seen = "1";
    rememberDetails(firstPanel);
    firstPanel.querySelectorAll("input[data-day-minutes]").forEach(readBack);
    // A new map opens at the form for its first lane (#lane-add).
    if (window.location.hash === "#lane-add") {
      var laneAdd = document.getElementById("lane-add");
      if (laneAdd) {
        laneAdd.scrollIntoView({ block: "center" });
        var firstField = laneAdd.querySelector("select, input:not([type=hidden])");
        if (firstField) firstField.focus();
      }
    }
  }

  /* ---- hotspot reasons on hover and keyboard focus ---- */
  var tooltip = document.getElementById("cw-tooltip");
  function showTooltip(step) {
    if (!tooltip) return;
    var reasons = document.getElementById("step-" + step.dataset.stepId + "-reasons");
    if (!reasons) return;
    tooltip.textContent = reasons.textContent;
    var r = step.getBoundingClientRect();
    // Kept inside the diagram's visible part: a card at its right edge would
    // otherwise put the reasons over the side panel's fields; below the card, or
    // above it where the screen ends.
    var wrap = step.closest("#diagram") || document.documentElement;
    var w = wrap.getBoundingClientRect();
    var left = Math.max(w.left, 0) + 8, right = Math.min(w.right, window.innerWidth) - 8;
    var bottom = Math.min(w.bottom, window.innerHeight) - 8;
    tooltip.style.maxWidth = "min(22rem, " + Math.max(160, right - left) + "px)";
    tooltip.style.left = "0px";  // measured where nothing narrows it
    tooltip.hidden = false;
    var t = tooltip.getBoundingClientRect();
    var x = Math.max(left, Math.min(r.left, right - t.width));
    var y = r.bottom + 6;
    if (y + t.height > bottom && r.top - 6 - t.height >= Math.max(w.top, 0)) y = r.top - 6 - t.height;
    tooltip.style.left = (x + window.scrollX) + "px";
    tooltip.style.top = (y + window.scrollY) + "px";
  }
  function hideTooltip() { if (tooltip) tooltip.hidden = true; }
  function hotspotOf(event) {
    var t = event.target;
    return t instanceof Element ? t.closest("#diagram .cw-hotspot") : null;
  }
  document.addEventListener("focusin", function (e) { var h = hotspotOf(e); if (h) showTooltip(h); else hideTooltip(); });
  document.addEventListener("mouseover", function (e) { var h = hotspotOf(e); if (h) showTooltip(h); });
  document.addEventListener("mouseout", function (e) { if (hotspotOf(e)) hideTooltip(); });

  /* ---- presentation mode ---- */
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }
  var fs = document.querySelector("[data-fullscreen]");
  if (fs) fs.addEventListener("click", toggleFullscreen);

  var initial = diagram() && diagram().dataset.selected;
  if (initial) { selectedId = initial; markSelected(); }

  /* ---- live push: Server-Sent Events instead of polling, where the server offers them ----
   * The diagram polls every 2 s (hx-trigger). Its stream lives next to its poll URL;
   * a server without live push answers the stream with 204, EventSource gives up and
   * polling goes on. While a stream is open, timer polls are skipped and a `version`
   * event newer than the diagram fetches the current state through the poll URL. */
  var streamLive = false;
  var refreshing = false;
  function refresh() {
    var d = diagram();
    if (!d) return;
    refreshing = true;
    htmx.ajax("GET", d.getAttribute("hx-get"), { target: "#diagram", swap: "outerHTML", source: d });
    refreshing = false;
  }
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (streamLive && !refreshing && elt && elt.id === "diagram") event.preventDefault();
  });
  var first = diagram();
  var pollUrl = first && first.getAttribute("hx-get");
  if (pollUrl && window.EventSource && pollUrl.indexOf("/poll/") > 0) {
    var streamUrl = pollUrl.split("?")[0].replace(/\/poll\/$/, "/stream/") + "?version=" + first.dataset.version;
    var source = new EventSource(streamUrl);
    source.addEventListener("version", function (event) {
      streamLive = true;
      var d = diagram();
      if (d && Number(event.data) > Number(d.dataset.version)) refresh();
    });
    source.addEventListener("overlay", function () {
      document.dispatchEvent(new CustomEvent("cw:overlay"));
    });
    source.addEventListener("open", function () { streamLive = true; root.dataset.live = "stream"; });
    source.addEventListener("error", function () {
      // Reconnecting (or refused for good): poll meanwhile, so nothing is missed.
      streamLive = false;
      root.dataset.live = source.readyState === EventSource.CLOSED ? "poll" : "reconnecting";
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  /* ---- the workshop panel (presence, dot vote, comments) of a member's map ---- */
  if (pollUrl && pollUrl.indexOf("/w/") === 0 && !root.classList.contains("present") && !document.getElementById("workshop-panel")) {
    var holder = document.createElement("div");
    holder.id = "workshop-panel";
    root.parentNode.insertBefore(holder, root.nextSibling);
    htmx.ajax("GET", pollUrl.split("?")[0].replace(/poll\/$/, "workshop/"), { source: holder, target: "#workshop-panel", swap: "outerHTML" });
  }
})();
