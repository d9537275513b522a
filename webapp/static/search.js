// The site search box's suggestions: as the reader types, the best few names of the catalog
// (GET /search/suggest?q=, the same matcher as /search) fill the box's <datalist>. Without
// JavaScript the box is a plain search form.
(function () {
  "use strict";

  const DELAY_MS = 150; // wait for a pause in typing before asking
  const MIN_LENGTH = 2; // the endpoint answers nothing for shorter text

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const endpoint = input.dataset.suggest;
    if (!list || !endpoint) return;
    const langField = input.form && input.form.querySelector("input[name=lang]");
    let timer = null;
    let asked = "";
    let controller = null;

    function fill(query, suggestions) {
      if (input.value.trim() !== query) return; // the reader typed on: a newer answer comes
      list.replaceChildren(
        ...suggestions.map((s) => {
          const option = document.createElement("option");
          option.value = s.label; // text, never markup
          option.label = s.kind;
          return option;
        })
      );
    }

    function ask() {
      const query = input.value.trim();
      if (query === asked) return;
      asked = query;
      if (query.length < MIN_LENGTH) {
        list.replaceChildren();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      const params = new URLSearchParams({ q: query });
      if (langField && langField.value) params.set("lang", langField.value);
      fetch(`${endpoint}?${params}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then((response) => (response.ok ? response.json() : { suggestions: [] }))
        .then((data) => fill(query, data.suggestions || []))
        .catch((error) => {
          if (error.name !== "AbortError") list.replaceChildren();
        });
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-suggest][list]").forEach(attach);
  });
})();
