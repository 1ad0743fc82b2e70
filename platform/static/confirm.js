// Irreversible steps ask first: a form or a submit button with data-confirm="question" goes
// ahead only when the user agrees (the server enforces the rules either way).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
