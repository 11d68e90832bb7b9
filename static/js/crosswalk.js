/* Small behaviour shared by every page. Lives in a static file because the
 * Content-Security-Policy runs no inline script or event-handler attribute. */
(function () {
  "use strict";
  // A select that submits its form once a choice is made (the language menu), but
  // never on a mere arrow key: in a closed select every arrow key fires "change",
  // and switching the page's language under the keyboard user's fingers is a
  // change of context on input (WCAG 3.2.2). A pointer choice submits at once; by
  // keyboard the choice is made with Enter, or by leaving the select changed.
  // Without JavaScript the form's <noscript> button does the same.
  var keyed = null;
  function submitIfChanged(select) {
    var initial = select.querySelector("option[selected]");
    if (!initial || initial.value !== select.value) select.form.submit();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement) || !target.hasAttribute("data-submit-on-change")) return;
    if (event.key === "Enter") { event.preventDefault(); submitIfChanged(target); return; }
    keyed = target;
    setTimeout(function () { keyed = null; }, 0);
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change")) {
      if (keyed === target) { target.dataset.pending = "true"; return; }
      target.form.submit();
    }
  });
  document.addEventListener("focusout", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.dataset.pending === "true") {
      delete target.dataset.pending;
      submitIfChanged(target);
    }
  });
})();
