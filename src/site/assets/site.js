// sot site: diagram zoom and client-side search. Nothing is fetched from elsewhere.
(function () {
  "use strict";
  // Zoom: buttons above each drawing scale the SVG (without script, it scrolls).
  document.querySelectorAll(".diagram").forEach(function (box) {
    var svg = box.querySelector("svg");
    if (!svg) return;
    var w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
    var scale = 1;
    function apply() {
      svg.setAttribute("width", String(Math.round(w * scale)));
      svg.setAttribute("height", String(Math.round(h * scale)));
    }
    var bar = document.createElement("div");
    bar.className = "zoom";
    [["−", "Zoom out", function () { scale = Math.max(0.05, scale / 1.25); }],
     ["+", "Zoom in", function () { scale = Math.min(8, scale * 1.25); }],
     ["Fit", "Fit to width", function () { scale = Math.min(1, (box.clientWidth - 4) / w); }],
     ["1:1", "Actual size", function () { scale = 1; }]].forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b[0];
      btn.setAttribute("aria-label", b[1]);
      btn.addEventListener("click", function () { b[2](); apply(); });
      bar.appendChild(btn);
    });
    box.parentNode.insertBefore(bar, box);
  });

  // Search: every word must appear in an entry's text.
  var out = document.getElementById("results");
  if (!out || !window.SOT_SEARCH) return;
  var input = document.getElementById("q");
  function run(q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    out.textContent = "";
    if (!words.length) return;
    var hits = [], max = 200;
    for (var i = 0; i < window.SOT_SEARCH.length && hits.length < max; i++) {
      var e = window.SOT_SEARCH[i], ok = true;
      for (var k = 0; k < words.length; k++) if (e[0].indexOf(words[k]) < 0) { ok = false; break; }
      if (ok) hits.push(e);
    }
    var p = document.createElement("p");
    p.textContent = hits.length === max ? "The first " + max + " matches:" : hits.length + " matches";
    out.appendChild(p);
    var ul = document.createElement("ul");
    hits.forEach(function (e) {
      var li = document.createElement("li"), a = document.createElement("a"), s = document.createElement("span");
      a.href = e[3];
      a.textContent = e[2];
      s.className = "kind";
      s.textContent = e[1];
      li.appendChild(a);
      li.appendChild(s);
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  if (input) {
    input.value = q;
    input.addEventListener("input", function () { run(input.value); });
  }
  run(q);
})();
