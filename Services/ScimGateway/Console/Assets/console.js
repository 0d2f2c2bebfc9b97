// The Provisio console's only script: copy buttons, confirmation of destructive forms, and the shown-once secret
// dialog opened as a modal. No inline handlers: everything is wired here, so the Content-Security-Policy needs no
// 'unsafe-inline'. Without this script every page still works (forms submit, the secret dialog shows in place).
"use strict";

function announce(text) {
  const live = document.getElementById("live");
  if (live) live.textContent = text;
}

function copyFrom(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = () => {
    const label = button.textContent;
    button.textContent = "Copied";
    announce("Copied to the clipboard");
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  const fallback = () => { field.select(); announce("Selected: press Ctrl+C or ⌘C to copy"); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, fallback);
  } else {
    fallback();
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

document.addEventListener("DOMContentLoaded", () => {
  // A secret rendered open becomes a modal: focus stays in it, and Escape or its button closes it.
  for (const dialog of document.querySelectorAll("dialog.secret[open]")) {
    if (typeof dialog.showModal !== "function") continue;
    dialog.close();
    dialog.showModal();
  }
});
