// Lane sheet (review / TPI scoring): keyboard enhancements only; the sheet works without this file.
// 1. After "save and next" the page opens at the next question's anchor: put the focus on its first answer
//    control, so the scorer can type the option letter right away (Shift+Tab goes back to the evidence links).
// 2. Ctrl+Enter (Cmd+Enter on a Mac) inside a question's form presses its "Simpan & berikutnya" button.
(function () {
  "use strict";
  var CONTROLS = "select, input:not([type=hidden]), textarea";

  function focusQuestion(hash) {
    if (!hash || hash.length < 2) { return; }
    var article = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!article || !article.classList.contains("lane-q")) { return; }
    var fieldset = article.querySelector("form.lane-form fieldset:not([disabled])");
    var control = fieldset ? fieldset.querySelector(CONTROLS) : null;
    if (control) { control.focus(); }
  }

  // After "load": the browser's own scroll to the fragment runs the focusing steps on the (non-focusable)
  // article and would reset an earlier focus to the page.
  window.addEventListener("load", function () {
    window.setTimeout(function () { focusQuestion(window.location.hash); }, 0);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target.closest ? event.target.closest("form.lane-form") : null;
    if (!form) { return; }
    var next = form.querySelector("button.lane-next");
    if (!next || next.disabled) { return; }
    event.preventDefault();
    if (form.requestSubmit) { form.requestSubmit(next); } else { next.click(); }
  });
})();
