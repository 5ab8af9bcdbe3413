// Progressive enhancement of the job search: the page works as a plain GET form; with this
// script, results update in place as filters change, and the address bar and the back
// button keep working because every update is a real URL pushed to history.
(function () {
  "use strict";
  var area = document.getElementById("search-area");
  if (!area || !window.fetch || !window.history.pushState) return;
  var timer = null;

  function load(url, push) {
    fetch(url, { headers: { "X-Requested-With": "search-fragment" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        var focused = document.activeElement && document.activeElement.id;
        area.innerHTML = html;
        if (push) window.history.pushState({ search: true }, "", url);
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      })
      .catch(function () { window.location.href = url; });
  }

  function submitForm(form, push) {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (v) { return v === ""; })) params.delete(key);
    });
    load(form.action + (params.toString() ? "?" + params : ""), push);
  }

  area.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || form.id !== "search-form") return;
    if (event.target.type === "search" || event.target.type === "number") return; // on submit
    submitForm(form, true);
  });
  area.addEventListener("submit", function (event) {
    if (event.target.id !== "search-form") return;
    event.preventDefault();
    submitForm(event.target, true);
  });
  area.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link || !link.getAttribute("href") || link.getAttribute("href").charAt(0) !== "?") return;
    event.preventDefault();
    load(link.href, true);
  });
  window.addEventListener("popstate", function () { load(window.location.href, false); });
})();
