// Progressive enhancement only: every page works without this file.
// On the front page's first page, check once a minute for newer changes and offer a reload.
(function () {
  "use strict";
  var list = document.getElementById("stream");
  if (!list || /(^|&)before=/.test(list.dataset.filters || "")) return;
  var newest = list.dataset.newest;
  var params = new URLSearchParams(list.dataset.filters || "");
  params.set("limit", "1");
  function check() {
    if (document.hidden) return;
    fetch("/api/v1/changes?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.items || !data.items.length) return;
        var first = data.items[0];
        var key = first.kind === "change" ? first.article.id + ":" + first.version : first.at;
        if (list.dataset.seen === undefined) { list.dataset.seen = key; return; }
        if (key === list.dataset.seen || document.getElementById("live")) return;
        var note = document.createElement("p");
        note.id = "live";
        note.className = "notice";
        note.setAttribute("role", "status");
        var a = document.createElement("a");
        a.href = window.location.pathname + window.location.search;
        a.textContent = "New changes since this page loaded: show them";
        note.appendChild(a);
        list.parentNode.insertBefore(note, list);
      })
      .catch(function () { /* offline or server restarting: try again later */ });
  }
  if (newest) { check(); window.setInterval(check, 60000); }
})();
