// Loaded as a module from our own origin, so the CSP needs no inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A "Print" button needs script; it is hidden until this runs.
for (const button of document.querySelectorAll("[data-lscb-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
