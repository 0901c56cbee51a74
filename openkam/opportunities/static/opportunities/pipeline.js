// The pipeline board (opportunities/pipeline_board.html). The board works without this file:
// every card has a "move to" form. This adds two things, without inline script (strict CSP):
// - drag and drop: dropping a card on a column chooses that stage in the card's form and
//   submits it, so the move goes through exactly the same path (and htmx) as the button;
// - focus: after htmx swapped in the new board, focus returns to the moved card (or its
//   error message), so keyboard and screen-reader users do not lose their place.
(() => {
  "use strict";

  let dragged = null;

  function columnOf(element) {
    return element instanceof Element ? element.closest(".pl-column[data-stage]") : null;
  }

  document.addEventListener("dragstart", (event) => {
    const card = event.target instanceof Element ? event.target.closest(".pl-card[draggable='true']") : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("pl-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("pl-dragging");
    }
    dragged = null;
    document.querySelectorAll(".pl-drop-target").forEach((el) => el.classList.remove("pl-drop-target"));
  });

  document.addEventListener("dragover", (event) => {
    const column = columnOf(event.target);
    if (!dragged || !column || column.dataset.stage === dragged.dataset.stage) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".pl-drop-target").forEach((el) => {
      if (el !== column) {
        el.classList.remove("pl-drop-target");
      }
    });
    column.classList.add("pl-drop-target");
  });

  document.addEventListener("drop", (event) => {
    const column = columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    const form = dragged.querySelector("form.pl-move");
    const select = form ? form.querySelector("[data-move-stage]") : null;
    if (!select || column.dataset.stage === dragged.dataset.stage) {
      return;
    }
    select.value = column.dataset.stage;
    form.requestSubmit();
  });

  document.addEventListener("htmx:afterSettle", () => {
    const board = document.querySelector("[data-focus-card]");
    if (!board) {
      return;
    }
    const card = document.getElementById(board.dataset.focusCard);
    board.removeAttribute("data-focus-card");
    if (!card) {
      return;
    }
    const reason = card.querySelector(".pl-card-error") ? card.querySelector("details.pl-reason[open] [data-move-reason]") : null;
    (reason || card).focus();
  });
})();
