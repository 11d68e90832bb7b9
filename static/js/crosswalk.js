/* Small behaviour shared by every page. Lives in a static file because the
 * Content-Security-Policy runs no inline script or event-handler attribute. */
(function () {
  "use strict";
  // A select that submits its form as soon as a choice is made (the language menu);
  // without JavaScript the form's <noscript> button does the same.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change")) {
      target.form.submit();
    }
  });
})();
