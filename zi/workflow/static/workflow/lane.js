// Lane sheet (review / TPI scoring): keyboard enhancements only; the sheet works without this file (plain posts).
// 1. After "save and next" the page opens at the next question's anchor (a plain post redirects there, htmx sends
//    a "laneFocus" event): put the focus on its answer, so the scorer can type the option letter right away
//    (Shift+Tab goes back to the evidence links).
// 2. Ctrl+Enter (Cmd+Enter on a Mac) inside a question's form presses its "Simpan & berikutnya" button.
// 3. On an answer option, a letter picks the option with that key (A, B, C…; Y for Ya, T for Tidak).
(function () {
  "use strict";
  var CONTROLS = "select, input:not([type=hidden]), textarea";

  function focusQuestion(id) {
    if (!id) { return; }
    var article = document.getElementById(id);
    if (!article || !article.classList.contains("lane-q")) { return; }
    var fieldset = article.querySelector("form.lane-form fieldset:not([disabled])");
    // the chosen option first (arrow keys move from it), else the first control
    var control = fieldset ? (fieldset.querySelector("input[type=radio]:checked") || fieldset.querySelector(CONTROLS)) : null;
    if (control) {
      control.focus();
      if (article.scrollIntoView) { article.scrollIntoView({block: "start"}); }
    }
  }

  // After "load": the browser's own scroll to the fragment runs the focusing steps on the (non-focusable)
  // article and would reset an earlier focus to the page.
  window.addEventListener("load", function () {
    var hash = window.location.hash;
    if (hash && hash.length > 1) {
      window.setTimeout(function () { focusQuestion(decodeURIComponent(hash.slice(1))); }, 0);
    }
  });

  // htmx: the server names the question to work on next once the saved one is swapped in.
  document.addEventListener("laneFocus", function (event) {
    var id = event.detail && (event.detail.value || event.detail);
    if (typeof id === "string") {
      focusQuestion(id);
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#" + id); }
    }
  });

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest ? event.target.closest("form.lane-form") : null;
    if (!form) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var next = form.querySelector("button.lane-next");
      if (!next || next.disabled) { return; }
      event.preventDefault();
      next.click();  // a click (not requestSubmit): htmx sends the clicked button's name=next only after a click
      return;
    }
    if (event.target.type !== "radio" || event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) {
      return;
    }
    var letter = event.key.toUpperCase();
    var options = form.querySelectorAll("input[type=radio][data-key]");
    for (var i = 0; i < options.length; i += 1) {
      if (options[i].getAttribute("data-key").charAt(0).toUpperCase() === letter) {
        event.preventDefault();
        options[i].checked = true;
        options[i].focus();
        return;
      }
    }
  });
})();
