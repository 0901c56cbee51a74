// OpenKAM's only script besides htmx. No inline handlers: the CSP allows none.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A checkbox saved in place (data-revert-on-error) that the server refused goes back to what
// is saved, and its form says so.
document.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt.closest("form[data-revert-on-error]");
  if (!form) {
    return;
  }
  // Back to the opposite of what the refused request asked for, whatever was clicked since.
  const box = form.querySelector("input[type=checkbox]");
  box.checked = event.detail.requestConfig.formData.get(box.name) !== "on";
  const alert = form.querySelector("[role=alert]");
  alert.textContent = form.getAttribute("data-revert-on-error");
  alert.hidden = false;
});
