/* Book live views: a range input and radio buttons step through frames computed when the book was built.
   Plain script, no library. Each <figure class="book-live-view"> carries its frames as JSON. */
(function () {
  "use strict";
  function setUp(figure) {
    var data = JSON.parse(figure.querySelector("script.book-live-view-data").textContent);
    var range = figure.querySelector("input[type=range]");
    var output = figure.querySelector("output");
    var image = figure.querySelector("img.book-live-view-image");
    var readout = figure.querySelector(".book-live-view-readout");
    var groups = Array.prototype.slice.call(figure.querySelectorAll("fieldset.book-live-view-toggle"));
    function show() {
      var key = [range.value].concat(groups.map(function (g) {
        var checked = g.querySelector("input:checked");
        return checked ? checked.value : "";
      })).join("|");
      var frame = data.frames[key];
      if (!frame) { return; }
      output.textContent = range.value;
      image.src = frame[0];
      image.alt = frame[1];
      readout.textContent = frame[1];
    }
    var controls = figure.querySelector(".book-live-view-controls");
    if (controls) { controls.hidden = false; }  // hidden until this script runs: without it they could not move
    range.addEventListener("input", show);  // every move: dragging, arrow keys, Home and End
    groups.forEach(function (g) { g.addEventListener("change", show); });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.book-live-view"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
