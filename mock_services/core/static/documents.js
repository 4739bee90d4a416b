// The document service's pages. The room's Content-Security-Policy allows no inline script, so
// what the markup cannot do itself is wired here.
(function () {
  "use strict";
  // Chuyển vai trò as soon as a role is chosen (without script, the form's button does it).
  var role = document.getElementById("vai-tro");
  if (role) {
    role.addEventListener("change", function () { role.form.submit(); });
  }
  // The printable register (Sổ đăng ký) opens the print dialogue once it has loaded.
  if (document.body && document.body.hasAttribute("data-print")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
