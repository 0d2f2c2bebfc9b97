// The Provisio console's only script: copy buttons, confirmation of destructive forms, and closing dialogs.
// No inline handlers: everything is wired here, so the Content-Security-Policy needs no 'unsafe-inline'.
"use strict";

function copyFrom(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = () => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { field.select(); });
  } else {
    field.select();
    done();
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (button) copyFrom(button);
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset ? form.dataset.confirm : undefined;
  if (message && !window.confirm(message)) event.preventDefault();
});
