/* sticoop site: filter a table on the page, and search the whole index (search.html).
   Text only ever goes into the page through textContent; links are built from ids that the
   build made safe (file names). */
(function () {
  "use strict";
  var FOLDERS = {event: "events", agreement: "agreements", party: "parties",
                 sector: "sectors", partner: "partners"};
  var LIMIT = 200;

  function fold(text) {
    return String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d");
  }

  function setupFilter(input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    var counter = document.querySelector("[data-filter-count]");
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return fold(r.textContent); });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (counter) { counter.textContent = words.length ? shown + " of " + rows.length + " rows" : ""; }
    });
  }

  function setupSearch() {
    var q = document.getElementById("search-q");
    var kind = document.getElementById("search-kind");
    var status = document.getElementById("search-status");
    var body = document.querySelector("#search-results tbody");
    var index = window.STICOOP_INDEX || [];
    var folded = index.map(function (r) { return fold(r[1] + " " + r[2] + " " + r[3]); });
    function run() {
      var words = fold(q.value).split(/\s+/).filter(Boolean);
      while (body.firstChild) { body.removeChild(body.firstChild); }
      if (!words.length) {
        status.textContent = index.length + " records indexed; type to search.";
        return;
      }
      var found = 0;
      for (var i = 0; i < index.length; i += 1) {
        var r = index[i];
        if (kind.value && r[0] !== kind.value) { continue; }
        if (!words.every(function (w) { return folded[i].indexOf(w) !== -1; })) { continue; }
        found += 1;
        if (found > LIMIT) { continue; }
        var tr = document.createElement("tr");
        var td1 = document.createElement("td");
        td1.textContent = r[0];
        var td2 = document.createElement("td");
        var a = document.createElement("a");
        a.href = FOLDERS[r[0]] + "/" + r[1] + ".html";
        var en = document.createElement("span");
        en.lang = "en";
        en.textContent = r[2];
        a.appendChild(en);
        if (r[3] && r[3] !== r[2]) {
          var vi = document.createElement("span");
          vi.lang = "vi";
          vi.className = "vi";
          vi.textContent = " " + r[3];
          a.appendChild(vi);
        }
        td2.appendChild(a);
        var td3 = document.createElement("td");
        td3.textContent = r[4];
        tr.appendChild(td1); tr.appendChild(td2); tr.appendChild(td3);
        body.appendChild(tr);
      }
      status.textContent = found + " found" + (found > LIMIT ? "; the first " + LIMIT + " shown" : "");
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) { q.value = params.get("q"); }
    q.addEventListener("input", run);
    kind.addEventListener("change", run);
    run();
  }

  document.querySelectorAll("input[data-filter]").forEach(setupFilter);
  if (document.getElementById("search-q")) { setupSearch(); }
}());
