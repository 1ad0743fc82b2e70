// Starts Swagger UI on the API's own document; a file, since the CSP allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
});
