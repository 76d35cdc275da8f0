// LKE worksheet: small progressive enhancements; the worksheet works without this file.
(function () {
  "use strict";
  // Clicking an example evidence fills the title of the question's upload form and opens it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fill-title]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) { return; }
    var details = input.closest("details");
    if (details) { details.open = true; }
    input.value = button.getAttribute("data-fill-title");
    input.focus();
  });
  // With htmx present the explicit "Simpan" buttons are optional; keep them for keyboard users.
  // Warn before leaving while an autosave request is still in flight.
  var pending = 0;
  document.addEventListener("htmx:beforeRequest", function () { pending += 1; });
  document.addEventListener("htmx:afterRequest", function () { pending = Math.max(0, pending - 1); });
  window.addEventListener("beforeunload", function (event) {
    if (pending > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  // Show a message when a save fails because the connection dropped.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target.closest ? event.target.closest("form.ws-answer") : null;
    if (!form) { return; }
    var status = form.querySelector(".ws-status");
    if (status) {
      status.classList.add("has-error");
      status.textContent = status.getAttribute("data-offline") || "Gagal menyimpan: koneksi terputus. Coba lagi.";
    }
  });
})();
