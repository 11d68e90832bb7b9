// Upload progress for the event-log form: htmx reports the bytes sent, this shows them.
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("#upload-form") : null;
    if (!form || !event.detail.lengthComputable) { return; }
    var box = form.querySelector("[data-upload-progress]");
    var bar = form.querySelector("progress");
    var text = form.querySelector("[data-upload-percent]");
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    box.hidden = false;
    bar.value = percent;
    bar.textContent = percent + " %";
    text.textContent = percent + " %";
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form.id === "upload-form") {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    }
  });
})();
