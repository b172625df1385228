// Optional: suggestions under the search box from /api/v1/suggest, as a native <datalist> (the
// browser draws and announces it). Without this script the search box works the same.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  // The box names its endpoint (procedure names: /api/v1/procedures/suggest); laws by default.
  var endpoint = (input && input.getAttribute("data-suggest")) || "/api/v1/suggest";
  if (!input || !window.fetch || !("list" in input)) return;
  var list = document.createElement("datalist");
  list.id = "goi-y";
  document.body.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = 0, last = "", pending = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      if (pending && pending.abort) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      fetch(endpoint + "?q=" + encodeURIComponent(q), pending ? { signal: pending.signal } : {})
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (s) {
            var o = document.createElement("option");
            o.value = s.so_hieu || s.label;
            o.label = s.label;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
