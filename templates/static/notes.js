// Previews of citations, cross-references and footnotes (a .tip inside a .tip-wrap). CSS shows a preview on
// hover and on keyboard focus; this script adds what CSS cannot: on a touch screen the first tap on a link shows
// its preview and the second follows it, Escape hides a preview, and a preview is moved to stay on screen.
// Inlined into the page's head (base.html), so it never contains a double brace or a brace-hash.
(function () {
  var open = null;
  var touch = false;
  function wrapOf(node) { return node && node.closest ? node.closest(".tip-wrap") : null; }
  function tipOf(wrap) { return wrap && wrap.querySelector(":scope > .tip"); }
  function inMargin(tip) { return getComputedStyle(tip).float !== "none"; }
  function place(wrap) {
    var tip = tipOf(wrap);
    if (!tip) return;
    tip.style.removeProperty("--tip-shift");
    wrap.classList.remove("tip-above");
    var box = tip.getBoundingClientRect();
    if (!box.width || inMargin(tip) || getComputedStyle(tip).position === "fixed") return;
    var room = document.documentElement.clientWidth - 8;
    if (box.right > room) tip.style.setProperty("--tip-shift", -Math.min(box.right - room, box.left - 8) + "px");
    if (box.bottom > window.innerHeight - 8 && box.top - box.height > 60) wrap.classList.add("tip-above");
  }
  function close() {
    if (open) open.classList.remove("is-open");
    open = null;
  }
  document.addEventListener("pointerdown", function (e) { touch = e.pointerType === "touch"; }, true);
  document.addEventListener("pointerover", function (e) {
    var wrap = wrapOf(e.target);
    if (wrap && !wrap.contains(e.relatedTarget)) { wrap.classList.remove("is-dismissed"); place(wrap); }
  });
  document.addEventListener("focusin", function (e) {
    var wrap = wrapOf(e.target);
    if (wrap) { wrap.classList.remove("is-dismissed"); place(wrap); }
  });
  document.addEventListener("click", function (e) {
    var wrap = wrapOf(e.target);
    var link = e.target.closest && e.target.closest(".tip-wrap > a");
    if (link && touch && wrap !== open && !inMargin(tipOf(wrap))) {
      e.preventDefault();  // the first tap previews; a second tap on the link follows it
      close();
      open = wrap;
      wrap.classList.add("is-open");
      place(wrap);
    } else if (!wrap || link) {
      close();
    }
  });
  window.addEventListener("hashchange", close);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    close();
    document.querySelectorAll(".tip-wrap:hover, .tip-wrap:focus-within").forEach(function (wrap) {
      wrap.classList.add("is-dismissed");
    });
  });
})();
