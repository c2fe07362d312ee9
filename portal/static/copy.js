// Progressive enhancement: a "copy" button after each embed snippet (issue 22). Without it
// the snippet is still a read-only text box to select and copy.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-copy-label]"),
    function (box) {
      if (!navigator.clipboard) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary copy-button";
      button.textContent = box.getAttribute("data-copy-label");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(box.value).then(function () {
          button.textContent = box.getAttribute("data-copied-label");
        }).catch(function () { box.select(); });
      });
      box.parentNode.insertBefore(button, box.nextSibling);
    });
})();
