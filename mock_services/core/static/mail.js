// The webmail's small conveniences; every page works without them.
// - "Chọn tất cả" ticks every message of a list.
// - Forms marked data-confirm ask first (emptying the trash, deleting a folder).
// - Tới / Cc / Bcc suggest addresses from the agency directory as one types.
(function () {
  "use strict";

  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.closest("form");
      form.querySelectorAll('input[name="chon"]').forEach(function (item) { item.checked = box.checked; });
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  function lastPart(value) {
    var cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
    return { head: value.slice(0, cut + 1), term: value.slice(cut + 1).trim() };
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.createElement("ul");
    list.className = "mail-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("aria-autocomplete", "list");
    var items = [], selected = -1, pending = 0;

    function close() { list.hidden = true; list.innerHTML = ""; items = []; selected = -1; }

    function choose(contact) {
      var parts = lastPart(input.value);
      input.value = (parts.head ? parts.head + " " : "") + contact.email + ", ";
      close();
      input.focus();
    }

    function show(contacts) {
      list.innerHTML = "";
      items = contacts;
      selected = -1;
      contacts.forEach(function (contact, index) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = contact.name + " <" + contact.email + ">";
        var meta = document.createElement("small");
        meta.textContent = [contact.title, contact.unit].filter(Boolean).join(" – ");
        li.appendChild(meta);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(items[index]); });
        list.appendChild(li);
      });
      list.hidden = contacts.length === 0;
    }

    input.addEventListener("input", function () {
      var term = lastPart(input.value).term;
      if (term.length < 2) { close(); return; }
      var ticket = ++pending;
      fetch("/thu/danh-ba/goi-y?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { contacts: [] }; })
        .then(function (data) { if (ticket === pending) { show(data.contacts || []); } })
        .catch(close);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        selected = (selected + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        Array.prototype.forEach.call(list.children, function (li, i) { li.setAttribute("aria-selected", i === selected); });
      } else if (event.key === "Enter" && selected >= 0) {
        event.preventDefault();
        choose(items[selected]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
