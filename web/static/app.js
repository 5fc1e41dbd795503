/* Enhancements only: every page works without this file.
 * - type-ahead: facet filter boxes suggest values from /api/facets/<name>?prefix=
 * - histogram: drag across bars, or Shift+arrow keys, to choose a date range */
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

  /* The bars are links (one bar = one period, without JS). Here a range of bars can be
   * chosen by dragging, or from the keyboard: the bars become one Tab stop (roving
   * tabindex), arrows move between them, Shift+arrow extends a range from where it
   * started, Enter applies it and Escape drops it. */
  function histogram(svg) {
    var bars = Array.prototype.slice.call(svg.querySelectorAll(".bar"));
    var status = svg.parentNode.querySelector(".histogram-status");
    var keys = svg.parentNode.querySelector(".histogram-keys");
    var start = null;
    var end = null;
    var dragged = false;
    var dragging = false;  // the range being chosen is a pointer drag's, not the keyboard's

    function label(i) { return bars[i].getAttribute("data-value"); }
    function paint() {
      var low = Math.min(start, end), high = Math.max(start, end);
      bars.forEach(function (bar, i) { bar.classList.toggle("is-dragged", start !== null && i >= low && i <= high); });
      if (!status) { return; }
      if (start === null || start === end) { status.textContent = ""; return; }
      var total = 0;
      for (var i = low; i <= high; i++) { total += Number(bars[i].getAttribute("data-count")) || 0; }
      status.textContent = label(low) + " to " + label(high) + ": " + total + " articles. Press Enter to apply.";
    }
    function clear() { start = end = null; dragging = false; paint(); }
    function apply() {
      var low = label(Math.min(start, end)), high = label(Math.max(start, end));
      var base = svg.getAttribute("data-base");
      clear();
      var range = "from=" + encodeURIComponent(low) + "&to=" + encodeURIComponent(high);
      window.location.assign("/search?" + (base ? base + "&" : "") + range);
    }
    function focusBar(i) {
      bars.forEach(function (bar, j) { bar.setAttribute("tabindex", j === i ? "0" : "-1"); });
      bars[i].focus();
    }

    // Pointer: drag across bars.
    function indexAt(event) {
      var target = document.elementFromPoint(event.clientX, event.clientY);
      var bar = target && target.closest ? target.closest(".bar") : null;
      return bar ? bars.indexOf(bar) : -1;
    }
    svg.addEventListener("pointerdown", function (event) {
      var i = indexAt(event);
      if (i < 0 || event.button !== 0) { return; }
      start = end = i;
      dragged = false;
      dragging = true;
      svg.setPointerCapture(event.pointerId);
      event.preventDefault();
      paint();
    });
    svg.addEventListener("pointermove", function (event) {
      if (start === null) { return; }
      var i = indexAt(event);
      if (i >= 0 && i !== end) { end = i; dragged = true; paint(); }
    });
    svg.addEventListener("pointerup", function () {
      if (start !== null) { apply(); }
    });
    svg.addEventListener("click", function (event) {
      // The pointerup above already navigated; keep the link's own click from doubling it.
      if (dragged || event.detail > 0) { event.preventDefault(); }
    });

    // Keyboard: one Tab stop, on the first bar of the current range (or the first bar).
    var current = bars.findIndex(function (bar) { return bar.classList.contains("in-range"); });
    bars.forEach(function (bar, j) { bar.setAttribute("tabindex", j === Math.max(current, 0) ? "0" : "-1"); });
    if (keys) { keys.hidden = false; }
    svg.addEventListener("keydown", function (event) {
      var here = bars.indexOf(document.activeElement);
      if (here < 0 || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var moves = { ArrowLeft: here - 1, ArrowDown: here - 1, ArrowRight: here + 1, ArrowUp: here + 1,
                    Home: 0, End: bars.length - 1 };
      if (event.key in moves) {
        event.preventDefault();
        var next = Math.min(bars.length - 1, Math.max(0, moves[event.key]));
        if (event.shiftKey) {
          if (start === null) { start = here; }
          end = next;
          paint();
        } else if (start !== null) {
          clear();
        }
        focusBar(next);
      } else if (event.key === "Enter" && start !== null) {
        event.preventDefault();  // the range, not the one focused bar's link
        apply();
      } else if (event.key === "Escape" && start !== null) {
        event.preventDefault();
        clear();
      }
    });
    svg.addEventListener("focusout", function (event) {
      // A range chosen with the keyboard and left unapplied is dropped, as Escape would.
      if (start !== null && !dragging && !svg.contains(event.relatedTarget)) { clear(); }
    });
  }

  document.querySelectorAll("input[data-facet][list]").forEach(typeAhead);
  document.querySelectorAll("svg.histogram").forEach(histogram);
})();
