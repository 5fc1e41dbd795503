/* Enhancements only: every page works without this file.
 * - type-ahead: facet filter boxes suggest values from /api/facets/<name>?prefix=
 * - histogram: drag across bars to choose a date range */
(function () {
  "use strict";

  function typeAhead(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var facet = input.getAttribute("data-facet");
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ticket = ++latest;
        var url = "/api/facets/" + encodeURIComponent(facet) + "?limit=10&prefix=" + encodeURIComponent(input.value.trim());
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { values: [] }; })
          .then(function (data) {
            if (ticket !== latest) { return; }
            list.replaceChildren.apply(list, (data.values || []).map(function (bucket) {
              var option = document.createElement("option");
              option.value = bucket.value;
              option.label = bucket.value + " (" + bucket.count + ")";
              return option;
            }));
          })
          .catch(function () { /* type-ahead is optional */ });
      }, 120);
    });
  }

  function histogramDrag(svg) {
    var bars = Array.prototype.slice.call(svg.querySelectorAll(".bar"));
    var start = null;
    var end = null;
    var dragged = false;

    function indexOf(event) {
      var target = document.elementFromPoint(event.clientX, event.clientY);
      var bar = target && target.closest ? target.closest(".bar") : null;
      return bar ? bars.indexOf(bar) : -1;
    }
    function paint() {
      var low = Math.min(start, end), high = Math.max(start, end);
      bars.forEach(function (bar, i) { bar.classList.toggle("is-dragged", start !== null && i >= low && i <= high); });
    }
    svg.addEventListener("pointerdown", function (event) {
      var i = indexOf(event);
      if (i < 0 || event.button !== 0) { return; }
      start = end = i;
      dragged = false;
      svg.setPointerCapture(event.pointerId);
      event.preventDefault();
      paint();
    });
    svg.addEventListener("pointermove", function (event) {
      if (start === null) { return; }
      var i = indexOf(event);
      if (i >= 0 && i !== end) { end = i; dragged = true; paint(); }
    });
    svg.addEventListener("pointerup", function () {
      if (start === null) { return; }
      var low = bars[Math.min(start, end)].getAttribute("data-value");
      var high = bars[Math.max(start, end)].getAttribute("data-value");
      start = end = null;
      var base = svg.getAttribute("data-base");
      var range = "from=" + encodeURIComponent(low) + "&to=" + encodeURIComponent(high);
      window.location.assign("/search?" + (base ? base + "&" : "") + range);
    });
    svg.addEventListener("click", function (event) {
      // The pointerup above already navigated; keep the link's own click from doubling it.
      if (dragged || event.detail > 0) { event.preventDefault(); }
    });
  }

  document.querySelectorAll("input[data-facet][list]").forEach(typeAhead);
  document.querySelectorAll("svg.histogram").forEach(histogramDrag);
})();
