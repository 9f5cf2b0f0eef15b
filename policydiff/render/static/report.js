/* policydiff change report: filters by kind and flag, and the inline / side-by-side
   toggle. Progressive: without this script every card and both texts are shown, and the
   controls stay hidden. Allowed by the page's CSP through its sha256 hash. No network,
   no storage, no per-character DOM work: it only toggles `hidden` on the cards. */
(function () {
  "use strict";
  var root = document.documentElement;
  var controls = document.getElementById("controls");
  if (!controls) { return; }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".change"));
  var listItems = {};
  Array.prototype.forEach.call(document.querySelectorAll("#changelist li[data-for]"), function (li) {
    listItems[li.getAttribute("data-for")] = li;
  });
  var kindBoxes = Array.prototype.slice.call(controls.querySelectorAll("input[name='kind']"));
  var flagSelect = document.getElementById("flag-filter");
  var viewRadios = Array.prototype.slice.call(controls.querySelectorAll("input[name='view']"));
  var counter = document.getElementById("shown-count");

  function hasWord(list, word) {
    return (" " + (list || "") + " ").indexOf(" " + word + " ") >= 0;
  }

  function applyFilters() {
    var kinds = {};
    kindBoxes.forEach(function (box) { kinds[box.value] = box.checked; });
    var flag = flagSelect ? flagSelect.value : "";
    var shown = 0;
    cards.forEach(function (card) {
      var visible = kinds[card.getAttribute("data-kind")] !== false &&
        (!flag || hasWord(card.getAttribute("data-flags"), flag));
      if (card.hidden === visible) { card.hidden = !visible; }
      var item = listItems[card.id];
      if (item) { item.hidden = !visible; }
      if (visible) { shown += 1; }
    });
    if (counter) {
      counter.textContent = counter.getAttribute("data-template")
        .replace("{shown}", String(shown)).replace("{total}", String(cards.length));
    }
  }

  function applyView() {
    viewRadios.forEach(function (radio) {
      if (radio.checked) { root.setAttribute("data-view", radio.value); }
    });
  }

  /* A cited anchor (#old-5) must always be reachable: reveal its card if a filter hid it
     (unchanged measures start hidden), open the folded table that holds it. */
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target || !target.closest) { return; }
    var moved = false;
    var fold = target.closest("details");
    if (fold && !fold.open) { fold.open = true; moved = true; }
    var card = target.closest(".change");
    if (card && card.hidden) {
      card.hidden = false;
      var item = listItems[card.id];
      if (item) { item.hidden = false; }
      moved = true;
    }
    if (moved) { target.scrollIntoView(); }
  }

  /* Anchor targets clear the sticky bar: its height as --sticky (CSSOM, allowed by the CSP). */
  function measureBar() {
    root.style.setProperty("--sticky", controls.offsetHeight + "px");
  }

  kindBoxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  if (flagSelect) { flagSelect.addEventListener("change", applyFilters); }
  viewRadios.forEach(function (radio) { radio.addEventListener("change", applyView); });
  window.addEventListener("hashchange", revealTarget);
  window.addEventListener("resize", measureBar);
  controls.hidden = false;
  measureBar();
  applyView();
  applyFilters();
  revealTarget();
}());
