// Filter box of the pack's index page. The page works without it: the box is
// `hidden` in the HTML and only shown here, so without JavaScript the full list
// stays visible and no control is left that does nothing.
(function () {
  "use strict";
  var box = document.getElementById("filter-box");
  var input = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  if (!box || !input || !status) {
    return;
  }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.kind"));
  var none = document.getElementById("no-match");

  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(function (t) {
      return t.length > 0;
    });
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-filter") || "";
      var match = terms.every(function (t) {
        return text.indexOf(t) !== -1;
      });
      item.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    groups.forEach(function (group) {
      group.hidden = group.querySelector("[data-filter]:not([hidden])") === null;
    });
    if (none) {
      none.hidden = shown !== 0;
    }
    if (terms.length === 0) {
      status.textContent = "";
    } else if (shown === 1) {
      status.textContent = "1 document matches.";
    } else {
      status.textContent = shown + " documents match.";
    }
  }

  box.hidden = false;
  input.addEventListener("input", apply);
  // Browsers restore the field's value on back navigation; apply it.
  apply();
})();
