// Searchable pickers (core/pickers.py): a <select data-picker-url> holds only the chosen options; here it
// becomes a Tom Select that asks the bounded search endpoint as the user types. Tom Select and its CSS are
// loaded only on pages that have a picker. Without JavaScript the chosen options stay as a plain select.
(function () {
  var me = document.currentScript;
  var loading = null;

  function load() {
    if (window.TomSelect) { return Promise.resolve(); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = me.getAttribute("data-css");
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = me.getAttribute("data-js");
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    });
    return loading;
  }

  function enhance(select) {
    if (select.tomselect) { return; }
    var url = select.getAttribute("data-picker-url");
    new window.TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],  // the server searches (pinyin, 简/繁, initials); show what it answers
      maxOptions: 20,
      placeholder: select.getAttribute("data-placeholder") || "",
      plugins: select.multiple ? ["remove_button"] : [],
      loadThrottle: 250,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">没有找到</div>'; },
        loading: function () { return '<div class="spinner">搜索中…</div>'; }
      }
    });
  }

  function scan(root) {
    var selects = (root || document).querySelectorAll("select[data-picker-url]");
    if (!selects.length) { return; }
    load().then(function () { selects.forEach(enhance); });
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (e) { scan(e.target); });
})();
