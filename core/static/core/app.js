// Small behaviours without a framework: the phone menu and confirmation before destructive actions.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle=nav]");
  if (t) { document.getElementById("nav").classList.toggle("open"); }
});
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm") || (e.submitter && e.submitter.getAttribute("data-confirm"));
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
// A link to "#act-…" opens the action's folded <details> (whose form htmx then loads, core/actions.py).
function openTargetedDetails() {
  var id = window.location.hash.slice(1);
  var el = id && document.getElementById(id);
  if (el && el.tagName === "DETAILS") { el.open = true; }
}
document.addEventListener("DOMContentLoaded", openTargetedDetails);
window.addEventListener("hashchange", openTargetedDetails);
