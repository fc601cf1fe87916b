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

// The upload card takes a file dropped on it: the file goes into the form's file input
// and the form is sent, as choosing it and pressing "Upload and check" would.
(function () {
  "use strict";
  var zone = document.querySelector("form.drop");
  var input = zone && zone.querySelector("input[type=file]");
  if (!zone || !input) {
    return;
  }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  zone.addEventListener("submit", function () {
    var button = zone.querySelector("button[type=submit]");
    var status = zone.querySelector("[role=status]");
    if (button) {
      button.disabled = true;
    }
    if (status) {
      status.textContent = "Uploading and checking every row… (100,000 rows take a few seconds)";
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {  // back to a page kept whole by the browser: ready again
      zone.querySelector("button[type=submit]").disabled = false;
      zone.querySelector("[role=status]").textContent = "";
    }
  });
  zone.addEventListener("dragleave", function () {
    zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("dragging");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || files.length !== 1) {
      return;
    }
    input.files = files;
    zone.requestSubmit();
  });
})();
