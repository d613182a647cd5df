// Optional: everything works without it. Shows a loading state while an answer is on
// its way, and centres the cited passage on a release page.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.ask");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "Searching…"; }
      form.setAttribute("aria-busy", "true");
    });
  }
  var cited = document.getElementById("cited");
  if (cited) {
    cited.scrollIntoView({ block: "center" });
    cited.focus({ preventScroll: true });
  }
});
// Coming back with the browser's Back button shows the form ready again.
window.addEventListener("pageshow", function () {
  var button = document.querySelector("form.ask button[type=submit]");
  if (button) { button.disabled = false; button.textContent = "Ask"; }
  var form = document.querySelector("form.ask");
  if (form) { form.removeAttribute("aria-busy"); }
});
