// The contents list marks the section being read (aria-current="location"); article.html folds it on a phone.
(function () {
  var nav = document.querySelector("nav.toc");
  if (!nav) return;
  var links = {};
  nav.querySelectorAll('a[href^="#"]').forEach(function (a) { links[a.getAttribute("href").slice(1)] = a; });
  var sections = Array.prototype.filter.call(document.querySelectorAll("main section[id], #references, #appendix"),
    function (s) { return links[s.id]; });
  var current = null;
  function mark() {
    // the last section whose top has passed a line a third of the way down the window
    var line = window.innerHeight / 3, found = null;
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top <= line) found = sections[i]; else break;
    }
    var link = found && links[found.id];
    if (link === current) return;
    if (current) current.removeAttribute("aria-current");
    if (link) link.setAttribute("aria-current", "location");
    current = link;
  }
  var queued = false;
  window.addEventListener("scroll", function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; mark(); });
  }, { passive: true });
  window.addEventListener("resize", mark);
  mark();
  // A link within the page (the contents, a reference, a cross-reference) lands on its target: on a phone the
  // sections around it are laid out only as it scrolls there (style.css's content-visibility), which can push the
  // target down; it is brought back for a few frames.
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1))), tries = 0;
    if (!target) return;
    (function land() {
      window.requestAnimationFrame(function () {
        var top = target.getBoundingClientRect().top;
        if (top < 0 || top > 60) target.scrollIntoView();
        if (++tries < 4) land();
      });
    })();
  });
})();
