// Progressive enhancement only: every page works without this file.
// Fills the search box's <datalist> with dataset titles as the user types.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-autocomplete]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var last = "";
    if (!list || !window.fetch) { return; }
    input.addEventListener("input", function () {
      var value = input.value.trim();
      clearTimeout(timer);
      if (value.length < 2 || value === last) { return; }
      timer = setTimeout(function () {
        last = value;
        fetch(input.getAttribute("data-autocomplete") + "?q=" + encodeURIComponent(value), {
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : [];
        }).then(function (items) {
          list.textContent = "";
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            list.appendChild(option);
          });
        }).catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
})();
// The search filters sit in <details> (closed: "Lọc" on a phone). A browser whose CSS cannot
// show closed details (no ::details-content) gets them opened here on a wide screen.
(function () {
  "use strict";
  var toggles = document.querySelectorAll("details.facet-toggle");
  if (!toggles.length || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 48.0625rem)");
  if (wide.matches) {
    Array.prototype.forEach.call(toggles, function (toggle) { toggle.open = true; });
  }
})();
