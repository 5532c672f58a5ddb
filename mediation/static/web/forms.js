/* Forms that help. The region picker: choosing a province fills the cities, choosing a city the
   counties, from /regions/<code>/ (the reference data); a level with nothing under it is hidden.
   An error summary, when the page opens with one, takes the focus so that it is read first. */
(function () {
  "use strict";

  document.querySelectorAll(".region-picker").forEach(function (picker) {
    const selects = Array.from(picker.querySelectorAll("select"));
    const url = picker.dataset.childrenUrl;

    function showLevel(select, show) {
      select.closest(".region-level").hidden = !show;
    }

    function fill(select, regions) {
      const empty = select.options[0];
      select.replaceChildren(empty);
      regions.forEach(function (region) {
        select.appendChild(new Option(region.name, region.code));
      });
      showLevel(select, regions.length > 0);
    }

    selects.forEach(function (select, index) {
      const next = selects[index + 1];
      if (index > 0 && select.options.length <= 1) showLevel(select, false);
      if (!next) return;
      select.addEventListener("change", function () {
        selects.slice(index + 1).forEach(function (below) {
          below.value = "";
          fill(below, []);
        });
        if (!select.value) return;
        fetch(url.replace("000000", select.value), { headers: { Accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : { regions: [] }))
          .then((data) => fill(next, data.regions))
          .catch(() => fill(next, []));
      });
    });
  });

  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
