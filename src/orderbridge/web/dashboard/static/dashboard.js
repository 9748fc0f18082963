// Progressive enhancement only: every page works without this file.
// Forms marked data-confirm ask first (retry all, replay).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
