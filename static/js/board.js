/* The improvement board: move a card by dragging it to a column, or focus it and
   press ← / → to move it one column. Every move is a POST that answers with the
   board fragment (htmx swaps it in); the card keeps the focus after the swap. */
(function () {
  "use strict";
  var focusAfterSwap = null;

  function columns() {
    return Array.prototype.map.call(
      document.querySelectorAll("#board .board-column"),
      function (c) { return c.dataset.status; }
    );
  }

  function move(card, status) {
    if (!status || status === card.dataset.status || !card.dataset.moveUrl) return;
    focusAfterSwap = card.id;
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card, target: "#board", swap: "outerHTML", values: { status: status }
    });
  }

  document.addEventListener("keydown", function (event) {
    var card = event.target instanceof Element && event.target.closest("#board .improvement[data-move-url]");
    if (!card || event.target !== card) return;
    var order = columns();
    var at = order.indexOf(card.dataset.status);
    if (event.key === "ArrowRight" && at < order.length - 1) {
      event.preventDefault(); move(card, order[at + 1]);
    } else if (event.key === "ArrowLeft" && at > 0) {
      event.preventDefault(); move(card, order[at - 1]);
    }
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element && event.target.closest(".improvement[data-move-url]");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (event) {
    if (event.target instanceof Element) event.target.classList.remove("dragging");
  });
  document.addEventListener("dragover", function (event) {
    var column = event.target instanceof Element && event.target.closest("#board .board-column");
    if (!column) return;
    event.preventDefault();
    document.querySelectorAll(".drop-target").forEach(function (c) { if (c !== column) c.classList.remove("drop-target"); });
    column.classList.add("drop-target");
  });
  document.addEventListener("drop", function (event) {
    var column = event.target instanceof Element && event.target.closest("#board .board-column");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (card) move(card, column.dataset.status);
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterSwap) return;
    var card = document.getElementById(focusAfterSwap);
    focusAfterSwap = null;
    if (card) card.focus();
  });
})();
