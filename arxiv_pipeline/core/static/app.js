// A day page: links to the previous and next built days (from assets/days.js, rewritten with the
// index, so a page built before its next day still finds it), and filters by category, keyword
// and a search over titles, authors, abstracts and TL;DRs.
(function () {
  "use strict";
  var heading = document.getElementById("day");
  var days = window.ARXIV_DIGEST_DAYS || [];
  if (heading && days.length) {
    var at = days.indexOf(heading.dataset.day);
    var label = function (d) {
      return new Date(d + "T12:00:00Z").toLocaleDateString("en-GB",
        { weekday: "short", day: "2-digit", month: "short", timeZone: "UTC" }).replace(",", "");
    };
    var link = function (id, day, text) {
      var a = document.getElementById(id);
      if (!a) { return; }
      if (day) { a.href = day + ".html"; a.textContent = text(label(day)); a.hidden = false; }
      else { a.removeAttribute("href"); a.hidden = true; }
    };
    if (at !== -1) {
      link("prev-day", days[at + 1], function (t) { return "← " + t; });
      link("next-day", days[at - 1], function (t) { return t + " →"; });
    }
  }
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
