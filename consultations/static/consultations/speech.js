// Inline comments: selecting a phrase in a paragraph of the draft fills the comment form's paragraph number
// and quote; a paragraph's "对此段提意见" button fills the paragraph only. No inline script (CSP).
(function () {
  var form = document.getElementById("comment-form");
  if (!form) { return; }
  var paragraph = form.querySelector("[name=paragraph]");
  var quote = form.querySelector("[name=quote]");
  var text = form.querySelector("[name=text]");
  function paraOf(node) {
    while (node && node !== document) {
      if (node.nodeType === 1 && node.hasAttribute("data-paragraph")) { return node; }
      node = node.parentNode;
    }
    return null;
  }
  document.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed) { return; }
    var a = paraOf(sel.anchorNode), b = paraOf(sel.focusNode);
    if (!a || a !== b) { return; }
    var phrase = sel.toString().trim();
    if (!phrase) { return; }
    paragraph.value = a.getAttribute("data-paragraph");
    quote.value = phrase.slice(0, 300);
  });
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-comment-paragraph]");
    if (!btn) { return; }
    e.preventDefault();
    paragraph.value = btn.getAttribute("data-comment-paragraph");
    quote.value = "";
    form.scrollIntoView({ behavior: "smooth", block: "center" });
    text.focus();
  });
})();
