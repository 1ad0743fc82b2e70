// Check-in location, only with consent: ticking the box asks the browser for a position and puts
// it in the form's hidden latitude/longitude fields (the server rounds it to about 1 km).
// Unticking clears them, so nothing is sent.
document.querySelectorAll("input[data-geolocation]").forEach(function (box) {
  var form = box.form;
  function set(latitude, longitude) {
    form.querySelector("input[name=latitude]").value = latitude;
    form.querySelector("input[name=longitude]").value = longitude;
  }
  box.addEventListener("change", function () {
    set("", "");
    if (!box.checked || !navigator.geolocation) {
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        if (box.checked) {
          set(position.coords.latitude.toFixed(2), position.coords.longitude.toFixed(2));
        }
      },
      function () {
        box.checked = false;
      },
      { enableHighAccuracy: false, maximumAge: 600000, timeout: 10000 }
    );
  });
});
