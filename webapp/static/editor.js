// The SPARQL query editor: YASGUI (served from node_modules at /vendor/yasgui/) against this
// site's /sparql endpoint. Everything the page needs comes from the JSON document in
// #editor-config, written by the server with |tojson; no text is ever inserted as HTML here.
//
// The query lives in the address bar (/sparql?query=...): editing it replaces the URL, running
// it adds a history entry, and opening such a link shows the editor with that query.
(function () {
  "use strict";

  var configEl = document.getElementById("editor-config");
  var rootEl = document.getElementById("yasgui");
  var statusEl = document.getElementById("editor-status");
  if (!configEl || !rootEl) return;
  var config = JSON.parse(configEl.textContent);

  function showStatus(message) {
    if (!statusEl) return;
    statusEl.textContent = message;
    statusEl.hidden = false;
  }

  if (typeof window.Yasgui !== "function") {
    showStatus(
      "The query editor could not load its library (YASGUI). If you run this server, " +
        "install it with `make setup`. You can still send queries to " + config.endpoint +
        " with any SPARQL client."
    );
    return;
  }
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;

  // Result IRIs the server has a page for (the dataset's entities, rules, ontology terms)
  // link to that page on this server, not to the base IRI (w3id.org, which may not redirect
  // here, or at all); the cell still shows the IRI itself, as YASR would.
  var local = config.local;
  function localHref(iri) {
    if (!local || typeof iri !== "string") return null;
    var path = null;
    if (iri.indexOf(local.entities) === 0) path = iri.substring(local.base.length);
    else if (iri.indexOf(local.rules) === 0) path = "rules/" + iri.substring(local.rules.length);
    else if (iri.indexOf(local.ontology) === 0) {
      path = "ontology#" + iri.substring(local.ontology.length);
    }
    return path === null ? null : new URL(local.root + path, window.location.href).href;
  }
  var Table = Yasr.plugins && Yasr.plugins.table;
  if (typeof Table === "function") {
    class LocalTable extends Table {
      getUriLinkFromBinding(binding, prefixes) {
        var target = localHref(binding && binding.value);
        if (!target) return super.getUriLinkFromBinding(binding, prefixes);
        var shown = binding.value;
        var prefixed = false;
        Object.keys(prefixes || {}).some(function (prefix) {
          if (shown.indexOf(prefixes[prefix]) !== 0) return false;
          shown = prefix + ":" + shown.substring(prefixes[prefix].length);
          prefixed = true;
          return true;
        });
        var link = document.createElement("a");
        link.className = "iri local";
        link.href = target;
        link.title = binding.value;
        link.textContent = shown;
        var bare = prefixed || (this.persistentConfig && this.persistentConfig.compact);
        var html = link.outerHTML; // built by the DOM: the IRI is text and an attribute, escaped
        return bare ? html : "&lt;" + html + "&gt;";
      }
    }
    Yasr.registerPlugin("table", LocalTable);
  }

  // YASQE wants an absolute endpoint URL; resolve the server's relative path against this
  // page, so the editor works on whatever host and port serves it.
  var endpoint = new URL(config.endpoint, window.location.href).href;

  function editorUrl(query) {
    return config.endpoint + "?query=" + encodeURIComponent(query);
  }

  function queryFromUrl() {
    return new URLSearchParams(window.location.search).get("query");
  }

  // No calls to third-party services: the class and property completers ask a public
  // vocabulary service (LOV) as you type, so only the local ones stay on. The prefix
  // completer offers the catalog's prefixes first, then YASQE's bundled list.
  Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
  var bundledPrefixes = Yasqe.Autocompleters.prefixes;
  if (bundledPrefixes && typeof bundledPrefixes.get === "function") {
    var catalogPrefixes = Object.keys(config.prefixes).map(function (prefix) {
      return prefix + ": <" + config.prefixes[prefix] + ">";
    });
    Yasqe.registerAutocompleter(
      Object.assign({}, bundledPrefixes, {
        get: function (yasqe) {
          return Promise.resolve(bundledPrefixes.get(yasqe)).then(function (bundled) {
            return catalogPrefixes.concat(
              (bundled || []).filter(function (item) {
                return catalogPrefixes.indexOf(item) < 0;
              })
            );
          });
        },
      }),
      false
    );
  }

  // Errors come back as the app's JSON error shape (we ask for JSON above HTML); show its
  // message and the line and column of a syntax error, as text.
  function renderAppError(error) {
    var body;
    try {
      body = JSON.parse(error && error.text);
    } catch (_ignored) {
      return undefined;
    }
    if (!body || typeof body.error !== "string") return undefined;
    var box = document.createElement("div");
    box.className = "editor-error";
    var title = document.createElement("p");
    title.className = "editor-error-title";
    title.textContent = "Error " + (body.status || error.status || "") + ": " + body.error;
    box.appendChild(title);
    if (Array.isArray(body.errors) && body.errors.length) {
      var list = document.createElement("ul");
      body.errors.forEach(function (item) {
        var message = String(item.message || "");
        var where = item.line ? "line " + item.line + (item.column ? ", column " + item.column : "") : "";
        // The headline often repeats the detail's message already: then show where only.
        var text = body.error.indexOf(message) >= 0 ? (where ? "at " + where : "") : message + (where ? " (" + where + ")" : "");
        if (!text) return;
        var li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
      if (list.childNodes.length) box.appendChild(list);
    }
    return box;
  }
  Yasr.defaults.errorRenderers = [renderAppError].concat(Yasr.defaults.errorRenderers || []);

  // Result tables wrap long values instead of cutting them to a few characters (labels and
  // descriptions are what researchers read); the table's "Ellipse" switch still toggles it.
  if (Yasr.defaults.plugins && Yasr.defaults.plugins.table) {
    Yasr.defaults.plugins.table.dynamicConfig = { isEllipsed: false };
  }

  // YASGUI's "share" button: the query on the latest release (the same /sparql?query= link
  // the address bar shows on the latest release); the links under the editor add the pinned
  // one and the citable answer.
  if (Yasgui.Tab && Yasgui.Tab.prototype) {
    Yasgui.Tab.prototype.getShareableLink = function () {
      var base = config.share ? config.share.latest : config.endpoint;
      return new URL(base + "?query=" + encodeURIComponent(this.getQuery()), window.location.href).href;
    };
  }

  var yasgui = new Yasgui(rootEl, {
    // The page is a function of its URL: no tabs restored from local storage, no query read
    // from the URL by YASGUI itself (it would also run it); the server passes it to us.
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: [],
    },
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,application/json;q=0.9,*/*;q=0.8",
      acceptHeaderGraph: "text/turtle,application/json;q=0.9,*/*;q=0.8",
    },
    yasqe: {
      value: config.query,
      collapsePrefixesOnLoad: true,
      editorHeight: "22rem",
    },
    yasr: {
      prefixes: config.prefixes,
      defaultPlugin: "table",
    },
  });
  // Tabs added later start from the starter query, not from the link this page was opened with.
  yasgui.config.yasqe.value = config.starter;

  function activeTab() {
    return yasgui.getTab();
  }

  // The text in the editor now (the tab's own copy is only updated on blur or run).
  function currentQuery(tab) {
    var yasqe = tab.getYasqe();
    return yasqe ? yasqe.getValue() : tab.getQuery();
  }

  // The share links under the editor: the query on the latest release, on this release
  // (pinned: /r/<release>/sparql) and its citable answer (/r/<release>/sparql/cite).
  function updateShare(query) {
    if (!config.share) return;
    var links = { "share-latest": "latest", "share-pinned": "pinned", "share-cite": "cite" };
    Object.keys(links).forEach(function (id) {
      var link = document.getElementById(id);
      if (link) link.href = config.share[links[id]] + "?query=" + encodeURIComponent(query);
    });
  }

  function syncUrl(push) {
    var tab = activeTab();
    if (!tab) return;
    var query = currentQuery(tab);
    updateShare(query);
    // Compare decoded values: the browser re-encodes some characters (an apostrophe) itself.
    var inUrl = queryFromUrl();
    if (inUrl === null) inUrl = config.query; // a bare /sparql shows the page's own query
    if (window.location.pathname === config.endpoint && inUrl === query) return;
    var url = editorUrl(query);
    if (push) {
      window.history.pushState({ query: query }, "", url);
    } else {
      window.history.replaceState({ query: query }, "", url);
    }
  }

  var pending = null;
  function syncSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      syncUrl(false);
    }, 400);
  }
  yasgui.on("tabChange", syncSoon);
  rootEl.addEventListener("input", syncSoon);
  yasgui.on("tabSelect", function () {
    window.setTimeout(function () {
      syncUrl(false);
    }, 0);
  });
  yasgui.on("query", function () {
    window.clearTimeout(pending);
    syncUrl(true);
  });
  window.addEventListener("popstate", function () {
    // No ?query= in the URL: back to the query this page was opened with.
    var query = queryFromUrl();
    if (query === null) query = config.query;
    var tab = activeTab();
    if (tab && query !== currentQuery(tab)) tab.setQuery(query);
  });

  // Example questions: load into the current tab (named after the example, which also names
  // downloads), scroll to the editor, and keep the link in the address bar.
  var examples = {};
  config.examples.forEach(function (example) {
    examples[example.name] = example;
  });
  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = examples[link.getAttribute("data-example")];
      var tab = activeTab();
      if (!example || !tab || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      tab.setQuery(example.query);
      tab.setName(example.name);
      document.querySelectorAll("a[data-example][aria-current]").forEach(function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "true");
      var yasqe = tab.getYasqe();
      if (yasqe) {
        yasqe.collapsePrefixes(true);
        yasqe.focus();
      }
      syncUrl(true);
      rootEl.scrollIntoView({ block: "start" });
    });
  });

  rootEl.setAttribute("data-ready", "true");
})();
