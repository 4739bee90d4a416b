// The one-stop desk's pages. The room's Content-Security-Policy allows no inline script, so what the
// markup cannot do itself is wired here.
(function () {
  "use strict";
  // Choosing the procedure redraws the form with its papers (without script, the button does it),
  // keeping everything typed so far.
  var procedure = document.getElementById("thu-tuc");
  if (procedure) {
    procedure.addEventListener("change", function () {
      var button = document.getElementById(procedure.getAttribute("data-choose"));
      if (button) { button.click(); }
    });
  }
})();
