// A queued or running match run: show its progress and reload the page once it has finished.
(function () {
  "use strict";
  const bar = document.getElementById("run-progress");
  if (!bar) {
    return;
  }
  function show(progress) {
    bar.style.width = progress + "%";
    bar.textContent = progress + "%";
  }
  function poll() {
    fetch(bar.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((status) => {
        show(status.progress);
        if (status.status === "queued" || status.status === "running") {
          setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      });
  }
  show(bar.dataset.progress);
  poll();
})();
