// The exam countdown. The server says how many seconds are left; the page counts them down on the
// browser's monotonic clock (never its wall clock) and resynchronises with the server every minute.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) return;
  var out = box.querySelector("[data-countdown-value]");
  var phase = box.getAttribute("data-phase");
  var loadedAt = performance.now();
  var secondsAtLoad = parseFloat(box.getAttribute("data-seconds"));

  function left() {
    return secondsAtLoad - (performance.now() - loadedAt) / 1000;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function show(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    out.textContent = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    if (phase === "in_progress" && s <= 300) box.classList.add("countdown-warning");
  }

  function tick() {
    var seconds = left();
    show(seconds);
    // Half a second past zero the server has surely changed phase: let it render the new page.
    if (seconds <= -0.5) window.location.reload();
  }

  function resync() {
    fetch("/api/thoi-gian", { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (clock) {
        if (!clock) return;
        if (clock.phase !== phase) { window.location.reload(); return; }
        var seconds = phase === "not_started" ? clock.seconds_to_start : clock.seconds_left;
        secondsAtLoad = seconds + (performance.now() - loadedAt) / 1000;
      })
      .catch(function () { /* the room's network hiccupped; keep counting and try again next minute */ });
  }

  tick();
  setInterval(tick, 250);
  setInterval(resync, 60000);
})();
