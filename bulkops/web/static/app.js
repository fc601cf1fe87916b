// Progress of a preview or run, as the server sends it (server-sent events, at most four
// a second): the fragment replaces the progress box; when it is over, the page reloads to
// show the outcome. The fragment is the server's HTML (its values escaped there).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !box.dataset.events || !window.EventSource) {
    return;
  }
  var source = new EventSource(box.dataset.events);
  source.addEventListener("progress", function (event) {
    var current = document.getElementById("progress");
    var fresh = document.createElement("div");
    fresh.innerHTML = event.data;
    if (current && fresh.firstElementChild) {
      current.replaceWith(fresh.firstElementChild);
    }
  });
  source.addEventListener("done", function () {
    source.close();
    window.location.reload();
  });
})();

// A row gone to ("Go to row", a failure's link) is brought into view when the grid is
// swapped in (a page load does it through the address's #row-N).
document.addEventListener("htmx:afterSwap", function () {
  "use strict";
  var target = document.querySelector("tr.target");
  if (target) {
    target.scrollIntoView({ block: "center" });
  }
});
