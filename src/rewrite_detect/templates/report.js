(function () {
  "use strict";
  var stops = Array.prototype.slice.call(document.querySelectorAll(".stop"));
  var counter = document.getElementById("nav-pos");
  var current = -1;

  function mark(k) {
    stops.forEach(function (el) { el.classList.remove("current"); });
    current = k;
    if (k >= 0) {
      stops[k].classList.add("current");
      counter.textContent = (k + 1) + " / " + stops.length;
    }
  }

  function go(k) {
    if (!stops.length) { return; }
    k = (k + stops.length) % stops.length;
    mark(k);
    stops[k].scrollIntoView({ block: "center" });
    stops[k].focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "j" || event.key === "n") { go(current + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "p") { go(current - 1); event.preventDefault(); }
    else if (event.key === "g") { go(0); event.preventDefault(); }
    else if (event.key === "G") { go(stops.length - 1); event.preventDefault(); }
  });
  document.getElementById("nav-next").addEventListener("click", function () { go(current + 1); });
  document.getElementById("nav-prev").addEventListener("click", function () { go(current - 1); });
  stops.forEach(function (el, k) {
    el.addEventListener("click", function () { mark(k); });
  });

  // Scrolling by hand moves the position too: the first finding in the upper half of the view.
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { mark(stops.indexOf(entry.target)); }
      });
    }, { rootMargin: "0px 0px -50% 0px" });
    stops.forEach(function (el) { observer.observe(el); });
  }

  counter.textContent = stops.length + " findings";
  var linked = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (linked && stops.indexOf(linked) >= 0) { go(stops.indexOf(linked)); }
  document.body.setAttribute("data-ready", String(stops.length));
})();
