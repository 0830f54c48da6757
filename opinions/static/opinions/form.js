// Live character count of the three parts of a public-opinion report (limit in data-max of #char-count).
document.addEventListener("DOMContentLoaded", function () {
  var out = document.getElementById("char-count");
  if (!out) return;
  var max = Number(out.getAttribute("data-max")) || 0;
  var boxes = document.querySelectorAll("textarea[data-count]");
  function count() {
    var n = 0;
    boxes.forEach(function (b) { n += b.value.trim().length; });
    out.textContent = n;
    out.classList.toggle("over-limit", max > 0 && n > max);
  }
  boxes.forEach(function (b) { b.addEventListener("input", count); });
  count();
});
