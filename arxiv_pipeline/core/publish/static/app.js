// A day page: links to the previous and next built days (from assets/days.js, rewritten with the
// index, so a page built before its next day still finds it), filters by category, keyword
// and a search over titles, authors, abstracts, TL;DRs and ids (kept in the address), and the
// rating buttons.
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
    // A day with no neighbour has a hidden <span> in its place (an <a> without href is invalid).
    var link = function (id, rel, day, text) {
      var old = document.getElementById(id);
      if (!old) { return; }
      var now = document.createElement(day ? "a" : "span");
      now.id = id;
      if (day) { now.rel = rel; now.href = day + ".html"; now.textContent = text(label(day)); }
      else { now.hidden = true; }
      old.parentNode.replaceChild(now, old);
    };
    if (at !== -1) {
      link("prev-day", "prev", days[at + 1], function (t) { return "← " + t; });
      link("next-day", "next", days[at - 1], function (t) { return t + " →"; });
    }
  }
  var search = document.getElementById("search");
  var category = document.getElementById("category");
  var keyword = document.getElementById("keyword");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  if (!search) { return; }
  var papers = Array.prototype.slice.call(document.querySelectorAll("article.paper"));

  // As site.fold does in Python for data-search: no accents, no case ("GODEL" finds "Gödel").
  var SPECIAL = { "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i" };
  function fold(text) {
    return text.replace(/[łŁøØđĐı]/g, function (c) { return SPECIAL[c]; })
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function choose(select, value) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    select.value = known ? value : "";
  }

  // The filters live in the address (#q=...&category=...&keyword=...): a filtered view can be
  // bookmarked, shared, and is there again after Back.
  function fromAddress() {
    var params = new URLSearchParams(location.hash.slice(1));
    search.value = params.get("q") || "";
    choose(category, params.get("category") || "");
    choose(keyword, params.get("keyword") || "");
  }
  function toAddress() {
    var params = new URLSearchParams();
    if (search.value.trim()) { params.set("q", search.value.trim()); }
    if (category.value) { params.set("category", category.value); }
    if (keyword.value) { params.set("keyword", keyword.value); }
    var hash = params.toString();
    if (hash !== location.hash.slice(1)) {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    }
  }

  function apply() {
    var q = fold(search.value.trim());
    var cat = category.value;
    var kw = keyword.value;
    var count = 0;
    papers.forEach(function (p) {
      var ok = (!cat || p.dataset.category === cat) &&
               (!kw || p.dataset.keywords.split("|").indexOf(kw) !== -1) &&
               (!q || p.dataset.search.indexOf(q) !== -1);
      p.parentNode.hidden = !ok;
      p.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + " shown";
    empty.hidden = count !== 0;
  }
  function changed() { apply(); toAddress(); }

  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  search.addEventListener("input", changed);
  category.addEventListener("change", changed);
  keyword.addEventListener("change", changed);
  window.addEventListener("hashchange", function () { fromAddress(); apply(); });
  fromAddress();
  apply();
})();

// "More like this" / "Less like this": stored by `arxiv-pipeline serve` (which also hands out the
// token each rating must carry). From a plain file or a static host the buttons only say so.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("article.paper .rate"));
  if (!groups.length) { return; }
  var token = null;
  var ready = Promise.resolve();  // settles once the token is known (or known to be unavailable)
  var NEED_SERVE = "Ratings need the local server: run arxiv-pipeline serve and open the page it prints.";

  function show(group, rating) {
    Array.prototype.forEach.call(group.querySelectorAll(".rate-btn"), function (b) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.rating) === rating));
    });
  }
  function status(group, text) { group.querySelector(".rate-status").textContent = text; }

  function rate(group, button) {
    // A press made while the page is still asking the server for its token waits for the answer
    // rather than telling the reader there is no server.
    ready.then(function () { send(group, button); });
  }

  function send(group, button) {
    var article = group.closest("article.paper");
    if (!token) { status(group, NEED_SERVE); return; }
    var pressed = button.getAttribute("aria-pressed") === "true";
    var rating = pressed ? 0 : Number(button.dataset.rating);  // pressing it again undoes it
    status(group, "Saving…");
    fetch("api/rate", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Rating-Token": token },
      body: JSON.stringify({ arxiv_id: article.dataset.id, version: Number(article.dataset.version), rating: rating })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { status(group, "Not saved: " + (res.body.error || "error")); return; }
      show(group, res.body.rating);
      status(group, res.body.rating === 0 ? "Rating removed" :
        "Saved: " + (res.body.rating > 0 ? "more" : "less") + " like this");
    }).catch(function () { status(group, "Not saved: the server did not answer"); });
  }

  groups.forEach(function (group) {
    group.addEventListener("click", function (e) {
      var button = e.target.closest(".rate-btn");
      if (button) { rate(group, button); }
    });
  });
  if (location.protocol !== "http:" && location.protocol !== "https:") { return; }
  // Only `arxiv-pipeline serve` (on this machine) stores ratings: on any other host the buttons
  // would ask for a session that is not there on every page view, so they are not shown at all.
  if (["127.0.0.1", "localhost", "[::1]"].indexOf(location.hostname) === -1) {
    groups.forEach(function (group) { group.hidden = true; });
    return;
  }
  ready = fetch("api/session", { headers: { "Accept": "application/json" } }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (session) {
    if (!session || !session.token) { return; }
    token = session.token;
    groups.forEach(function (group) {
      var id = group.closest("article.paper").dataset.id;
      show(group, session.ratings[id] || 0);
    });
  }).catch(function () { /* a static host: the buttons say ratings need the server */ });
})();
