// zona-integritas: progressive enhancement only; every page works without JavaScript.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("[data-autosubmit]")) {
    target.form.submit();
  }
});
