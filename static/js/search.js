// Progressive enhancement of the job search: the page works as a plain GET form; with this
// script, results update in place as filters change, and the address bar and the back
// button keep working because every update is a real URL pushed to history.
(function () {
  "use strict";
  var area = document.getElementById("search-area");
  if (!area || !window.fetch || !window.history.pushState) return;
  var wide = window.matchMedia("(min-width: 48.01rem)");
  var skillList = null; // the datalist of skill names, fetched on first use

  function panel() { return document.getElementById("filters-panel"); }

  // A wide screen shows the filters beside the results (site.css does it where the browser
  // can style a closed <details>; this does it where it cannot).
  function openOnWideScreens() {
    if (wide.matches && panel()) panel().open = true;
  }

  function attachSkillList() {
    var input = document.getElementById("id_more_skill");
    if (input && skillList) input.setAttribute("list", skillList.id);
  }

  function load(url, push, scroll) {
    var wasOpen = panel() && panel().open;
    fetch(url, { headers: { "X-Requested-With": "search-fragment" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        var focused = document.activeElement && document.activeElement.id;
        area.innerHTML = html;
        if (panel() && wasOpen) panel().open = true; // a phone's open filters stay open
        openOnWideScreens();
        attachSkillList();
        if (push && url !== window.location.href) window.history.pushState({ search: true }, "", url);
        if (scroll) {
          // A new page of results is read from its top, as after a full page load.
          var results = document.getElementById("results");
          results.scrollIntoView();
          results.focus({ preventScroll: true });
        } else if (focused && document.getElementById(focused)) {
          document.getElementById(focused).focus();
        }
      })
      .catch(function () { window.location.href = url; });
  }

  function submitForm(form, push) {
    // Empty boxes (the "Another skill" box, a sort left at its default) say nothing.
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value);
    });
    load(form.action + (params.toString() ? "?" + params : ""), push, false);
  }

  area.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || form.id !== "search-form") return;
    // Typed boxes apply on submit (Enter, or a button): a change event would load the same
    // search a second time and add a second history entry.
    if (event.target.tagName === "INPUT" && !/^(checkbox|radio)$/.test(event.target.type)) return;
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
    load(link.href, true, !!link.closest(".pagination"));
  });
  area.addEventListener("focusin", function (event) {
    if (event.target.id !== "id_more_skill" || skillList) return;
    skillList = document.createElement("datalist");
    skillList.id = "skill-names";
    document.body.appendChild(skillList);
    fetch(event.target.getAttribute("data-skill-list"))
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (names) {
        names.forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          skillList.appendChild(option);
        });
        attachSkillList();
      })
      .catch(function () {});
  });
  window.addEventListener("popstate", function () { load(window.location.href, false, false); });
  openOnWideScreens();
})();
