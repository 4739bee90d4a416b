// Ký số: drag the signature box on the page preview (and resize it by its corner); the form's
// hidden fields get the box in PDF points, origin bottom-left, as the server signs it.
// Without JavaScript the form still signs with the box the server placed.
(function () {
  "use strict";
  var form = document.getElementById("form-ky-so");
  var box = document.getElementById("sign-box");
  if (!form || !box) return;
  var field = function (name) { return form.querySelector('input[name="' + name + '"]'); };

  function page() { return box.parentElement; }
  function scale() { var p = page(); return p.querySelector("img").clientWidth / parseFloat(p.dataset.width); }

  function place() {  // hidden fields → box on screen
    var k = scale(), h = parseFloat(page().dataset.height);
    var x0 = parseFloat(field("x0").value), y0 = parseFloat(field("y0").value);
    var x1 = parseFloat(field("x1").value), y1 = parseFloat(field("y1").value);
    box.style.left = x0 * k + "px";
    box.style.top = (h - y1) * k + "px";
    box.style.width = (x1 - x0) * k + "px";
    box.style.height = (y1 - y0) * k + "px";
  }

  function record() {  // box on screen → hidden fields
    var k = scale(), h = parseFloat(page().dataset.height);
    var left = box.offsetLeft / k, top = box.offsetTop / k;
    var w = box.offsetWidth / k, hh = box.offsetHeight / k;
    field("trang").value = page().dataset.page;
    field("x0").value = left.toFixed(2);
    field("x1").value = (left + w).toFixed(2);
    field("y1").value = (h - top).toFixed(2);
    field("y0").value = (h - top - hh).toFixed(2);
  }

  var drag = null;
  box.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    box.setPointerCapture(e.pointerId);
    drag = {
      resize: e.target.classList.contains("sign-resize"),
      x: e.clientX, y: e.clientY,
      left: box.offsetLeft, top: box.offsetTop, w: box.offsetWidth, h: box.offsetHeight
    };
  });
  box.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var img = page().querySelector("img");
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (drag.resize) {
      box.style.width = Math.max(16, Math.min(drag.w + dx, img.clientWidth - drag.left)) + "px";
      box.style.height = Math.max(16, Math.min(drag.h + dy, img.clientHeight - drag.top)) + "px";
    } else {
      box.style.left = Math.max(0, Math.min(drag.left + dx, img.clientWidth - box.offsetWidth)) + "px";
      box.style.top = Math.max(0, Math.min(drag.top + dy, img.clientHeight - box.offsetHeight)) + "px";
    }
  });
  box.addEventListener("pointerup", function () { if (drag) { drag = null; record(); } });

  // A double click on another page moves the box there, centred where clicked.
  document.querySelectorAll(".sign-page img").forEach(function (img) {
    img.addEventListener("dblclick", function (e) {
      var figure = img.parentElement;
      if (figure !== page()) figure.appendChild(box);
      var r = img.getBoundingClientRect();
      box.style.left = Math.max(0, e.clientX - r.left - box.offsetWidth / 2) + "px";
      box.style.top = Math.max(0, e.clientY - r.top - box.offsetHeight / 2) + "px";
      record();
    });
  });

  var img = page().querySelector("img");
  if (img.complete) place(); else img.addEventListener("load", place);
  window.addEventListener("resize", place);

  // PIN or OTP: show the matching input; "Gửi mã xác thực" asks the server for a code and the
  // simulated phone shows it, as SmartCA's app would.
  function method() { var c = form.querySelector('input[name="xac_thuc"]:checked'); return c ? c.value : "pin"; }
  function showMethod() {
    form.querySelector(".sign-pin").hidden = method() !== "pin";
    form.querySelector(".sign-otp").hidden = method() !== "otp";
  }
  form.querySelectorAll('input[name="xac_thuc"]').forEach(function (r) { r.addEventListener("change", showMethod); });
  showMethod();
  var send = document.getElementById("send-otp");
  send.addEventListener("click", function () {
    var body = new FormData();
    body.append("csrf_token", form.querySelector('input[name="csrf_token"]').value);
    fetch("/ky-so/otp/" + send.dataset.cert, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.code) {
          document.getElementById("phone-code").textContent = data.code;
          document.getElementById("phone").hidden = false;
        } else {
          alert(data.message || "Không gửi được mã xác thực.");
        }
      });
  });
})();
