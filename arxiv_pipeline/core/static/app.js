// Filters for a day page: category, keyword and a search over titles and TL;DRs.
(function () {
  "use strict";
  var search = document.getElementById("search");
  var category = document.getElementById("category");
  var keyword = document.getElementById("keyword");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  if (!search) { return; }
  var papers = Array.prototype.slice.call(document.querySelectorAll("article.paper"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.category"));

  function apply() {
    var q = search.value.trim().toLowerCase();
    var cat = category.value;
    var kw = keyword.value;
    var count = 0;
    papers.forEach(function (p) {
      var ok = (!cat || p.dataset.category === cat) &&
               (!kw || p.dataset.keywords.split("|").indexOf(kw) !== -1) &&
               (!q || p.dataset.search.indexOf(q) !== -1);
      p.hidden = !ok;
      if (ok) { count += 1; }
    });
    sections.forEach(function (s) {
      s.hidden = !s.querySelector("article.paper:not([hidden])");
    });
    shown.textContent = count + " shown";
    empty.hidden = count !== 0;
  }

  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  search.addEventListener("input", apply);
  category.addEventListener("change", apply);
  keyword.addEventListener("change", apply);
  apply();
})();
