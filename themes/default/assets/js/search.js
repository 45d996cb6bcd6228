// Site search: loads the WebAssembly engine on the first interaction with
// a search field (never on page load), then searches the prebuilt index in
// the browser. Works as a combobox in the header and as the search page.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  if (!form) return;
  var cfg = { index: form.dataset.index, engine: form.dataset.engine, runtime: form.dataset.runtime, strings: form.dataset.strings, worker: form.dataset.worker };
  var indexBase = cfg.index.slice(0, cfg.index.lastIndexOf("/") + 1);
  var enginePromise = null;

  // In the offline copy (opened from the files, where browsers refuse
  // fetch) data-load is "script": each file the search needs is loaded as a
  // script beside it ("x.kbx.js") that hands its data to kbFile, and site
  // paths become paths of files ("guide/index.html") from data-root.
  var byScript = form.dataset.load === "script";
  var base = form.dataset.base || "/", root = form.dataset.root || "";
  function fileURL(p) {
    var rest = "", i = p.search(/[?#]/);
    if (i >= 0) { rest = p.slice(i); p = p.slice(0, i); }
    if (p.indexOf(base) === 0) p = p.slice(base.length);
    else if (p.charAt(0) === "/") p = p.slice(1);
    if (p === "" || p.charAt(p.length - 1) === "/") p += "index.html";
    return new URL(root + p, window.location.href).href + rest;
  }
  function link(u) { return byScript ? fileURL(u) : u; }
  var waiting = {};
  window.kbFile = function (data, enc) {
    var s = document.currentScript, w = s && waiting[s.src];
    if (!w) return;
    delete waiting[s.src];
    var v = enc === "base64" ? fromBase64(data) : data;
    w.forEach(function (f) { f.resolve(v); });
  };
  function fromBase64(s) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
    var bin = atob(s), b = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
    return b;
  }
  function wrapped(p) {
    var src = fileURL(p) + ".js";
    return new Promise(function (resolve, reject) {
      if (waiting[src]) { waiting[src].push({ resolve: resolve, reject: reject }); return; }
      waiting[src] = [{ resolve: resolve, reject: reject }];
      var s = document.createElement("script");
      function fail(why) {
        var w = waiting[src];
        delete waiting[src];
        if (w) w.forEach(function (f) { f.reject(new Error(why + " " + src)); });
      }
      s.onload = function () { s.remove(); fail("no data in"); };
      s.onerror = function () { s.remove(); fail("could not load"); };
      s.src = src;
      document.head.appendChild(s);
    });
  }
  function getJSON(p, what) {
    if (byScript) return wrapped(p);
    return fetch(p).then(function (r) {
      if (!r.ok) throw new Error(what + ": HTTP " + r.status);
      return r.json();
    });
  }
  function getBytes(p, what) {
    if (byScript) return wrapped(p);
    return fetch(p).then(function (r) {
      if (!r.ok) throw new Error(what + ": HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); });
  }

  // The script's words come from the theme, in the site's language
  // (strings.json, fetched with the engine when a reader starts to search).
  var S = null, stringsPromise = null;
  function loadStrings() {
    if (!stringsPromise) {
      stringsPromise = getJSON(cfg.strings, "search strings").then(function (j) { S = j; return j; });
      stringsPromise.catch(function () { stringsPromise = null; });
    }
    return stringsPromise;
  }
  function t(key, vals) {
    var v = S && S.strings[key];
    if (v == null) return "";
    if (typeof v === "object") {
      var form = "other";
      try { form = new Intl.PluralRules(S.lang).select(vals && vals.count); } catch (e) {}
      v = v[form] || v.other;
    }
    return String(v).replace(/\{(\w+)\}/g, function (_, k) { return vals && k in vals ? vals[k] : ""; });
  }
  // "9 pages (23 matching sections)", or the sections alone when the
  // pages were not counted (very broad queries).
  function counted(res) {
    var sections = t("search.ui.results", { count: res.total });
    return res.pages ? t("search.ui.pages_and_sections", { pages: t("search.ui.pages", { count: res.pages }), sections: sections }) : sections;
  }
  function say(el, key, vals) { loadStrings().then(function () { el.textContent = t(key, vals); }, function () {}); }

  function supported() {
    return typeof WebAssembly === "object" && typeof fetch === "function" && typeof Promise === "function" &&
      typeof DecompressionStream === "function";
  }

  // Index files are stored deflated when the manifest says so
  // ("encoding": "deflate-raw"), all but one with a preset dictionary
  // ("dictionary": that one's name): the page inflates them for the engine.
  // A file compressed with the dictionary continues a DEFLATE stream that
  // has output the dictionary: it is inflated after a stored block holding
  // the dictionary, whose bytes are then dropped.
  var deflated = false, dictName = "", dict = null;
  function inflate(parts) {
    var s = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(s).arrayBuffer();
  }
  function dictionary() {
    if (!dict) {
      dict = indexFile(dictName);
      dict.catch(function () { dict = null; });
    }
    return dict;
  }
  function indexFile(name) {
    var what = "index page " + name, got = getBytes(indexBase + name, what);
    if (!deflated) return got;
    var withDict = dictName && name !== dictName;
    return Promise.all([got, withDict ? dictionary() : null]).then(function (r) {
      var d = r[1], n = d ? d.length : 0;
      if (!d) return inflate([r[0]]);
      var head = new Uint8Array([0, n & 255, n >> 8, ~n & 255, (~n >> 8) & 255]);
      return inflate([head, d, r[0]]).then(function (b) { return b.slice(n); });
    }).then(function (b) { return new Uint8Array(b); }, function (e) { throw new Error(e && e.message && e.message.indexOf("index page ") === 0 ? e.message : what + ": " + e); });
  }
  // kbFetch is called by the engine for each index page it needs.
  window.kbFetch = indexFile;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  // The engine, compiled while it downloads (compiling needs no runtime).
  function compile() {
    function fromBytes() {
      return getBytes(cfg.engine, "search engine").then(function (b) { return WebAssembly.compile(b); });
    }
    if (byScript || !WebAssembly.compileStreaming) return fromBytes();
    // A server that sends another type than application/wasm: compile the bytes.
    return WebAssembly.compileStreaming(fetch(cfg.engine)).catch(fromBytes);
  }

  // The engine runs in a worker (search-worker.js) where one can be
  // started, so that compiling it, Go's start and every query leave the
  // page free; the page still fetches every file. Opened from the files
  // (the offline copy), browsers refuse workers: it runs here.
  function worker() {
    var w = new Worker(cfg.worker), calls = {}, n = 0, started = null, failed = null;
    var ready = new Promise(function (resolve, reject) { started = resolve; failed = reject; });
    function fail(err) {
      failed(err);
      Object.keys(calls).forEach(function (k) { calls[k].reject(err); delete calls[k]; });
    }
    function call(method, arg) {
      return new Promise(function (resolve, reject) {
        var id = ++n;
        calls[id] = { resolve: resolve, reject: reject };
        w.postMessage({ type: "call", id: id, method: method, arg: arg });
      });
    }
    w.onerror = function (e) { e.preventDefault(); fail(new Error("search engine: " + (e.message || "could not start"))); };
    w.onmessage = function (e) {
      var m = e.data;
      if (m.type === "fetch") {
        indexFile(m.name).then(function (b) {
          w.postMessage({ type: "fetched", id: m.id, bytes: b.buffer }, [b.buffer]);
        }, function (err) { w.postMessage({ type: "fetched", id: m.id, error: err.message }); });
      } else if (m.type === "ready") {
        started({
          open: function (a) { return call("open", a); },
          search: function (a) { return call("search", a); },
          stats: function () { return call("stats"); }
        });
      } else if (m.type === "failed") {
        fail(new Error(m.error));
      } else if (m.type === "result") {
        var c = calls[m.id];
        delete calls[m.id];
        if (c) { if (m.error) c.reject(new Error(m.error)); else c.resolve(m.value); }
      }
    };
    w.postMessage({ type: "runtime", url: new URL(cfg.runtime, window.location.href).href });
    // The download starts now, on the page; its bytes stream to the worker,
    // which compiles them as they arrive.
    fetch(cfg.engine).then(function (r) {
      if (!r.ok) throw new Error("search engine: HTTP " + r.status);
      try {
        w.postMessage({ type: "start", body: r.body }, [r.body]);
      } catch (e) { // no transferable streams: hand over the whole file
        return r.arrayBuffer().then(function (b) { w.postMessage({ type: "start", bytes: b }, [b]); });
      }
    }).catch(fail);
    return {
      compiles: true,
      start: function () { return ready; },
      stop: function () { w.terminate(); }
    };
  }

  function onThisThread() {
    var runtime = loadScript(link(cfg.runtime));
    return {
      start: function (module) {
        return runtime.then(function () {
          var go = new window.Go();
          var ready = new Promise(function (resolve) { window.kbSearchReady = resolve; });
          return WebAssembly.instantiate(module, go.importObject).then(function (instance) {
            go.run(instance);
            return ready;
          });
        }).then(function () { return window.kbSearch; });
      },
      stop: function () {}
    };
  }

  // engine loads the strings, the engine and the index manifest at once.
  function engine() {
    if (enginePromise) return enginePromise;
    if (!supported()) return loadStrings().then(function () { throw new Error(t("search.ui.unsupported")); });
    var host = !byScript && cfg.worker && typeof Worker === "function" ? worker() : onThisThread();
    var manifest = getJSON(cfg.index, "search index");
    manifest.then(function (m) {
      deflated = m.encoding === "deflate-raw";
      var name = (deflated && m.dictionary) || "";
      if (name !== dictName) { dictName = name; dict = null; } // another build's index
      if (dictName) dictionary().catch(function () {}); // while the engine downloads
    }, function () {});
    enginePromise = Promise.all([loadStrings(), host.compiles ? null : compile()]).then(function (r) {
      return host.start(r[1]);
    }).then(function (kb) {
      return manifest.then(function (m) { return kb.open(m); }).then(function () {
        window.kbSearch = kb;
        return kb;
      });
    });
    enginePromise.catch(function () { enginePromise = null; host.stop(); });
    return enginePromise;
  }

  // Snippets are escaped text with <mark> around matches: keep only that.
  function snippetNodes(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var frag = document.createDocumentFragment();
    t.content.childNodes.forEach(function (n) {
      if (n.nodeType === 3) frag.appendChild(document.createTextNode(n.textContent));
      else if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        frag.appendChild(m);
      } else frag.appendChild(document.createTextNode(n.textContent));
    });
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function errorText(err) {
    var msg = err && err.message ? err.message : String(err);
    return S ? t("search.ui.unavailable", { error: msg }) : msg;
  }

  // ---- Header combobox ----
  var input = document.getElementById("site-search-input");
  var popup = form.querySelector(".site-search-popup");
  var listbox = document.getElementById("site-search-listbox");
  var status = form.querySelector(".site-search-status");
  var active = -1, options = [], seq = 0, timer = null;

  function openPopup(open) {
    popup.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function setActive(i) {
    options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0 && options[i]) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function suggest() {
    var q = input.value;
    var my = ++seq;
    if (!q.trim()) { listbox.textContent = ""; options = []; openPopup(false); return; }
    openPopup(true);
    if (!enginePromise) say(status, "search.ui.loading");
    engine().then(function (kb) {
      return kb.search({ q: q, prefix: true, size: 8 });
    }).then(function (res) {
      if (my !== seq) return;
      listbox.textContent = "";
      listbox.dataset.query = q;
      options = [];
      res.hits.forEach(function (h, i) {
        var li = el("li", "site-search-option");
        li.id = "site-search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.url = link(h.url);
        // An option holds no link (an interactive element inside another):
        // choosing it, by click or Enter, opens its page.
        li.appendChild(el("span", "site-search-crumb", h.crumb));
        var sn = el("span", "site-search-snippet");
        sn.appendChild(snippetNodes(h.snippet));
        li.appendChild(sn);
        listbox.appendChild(li);
        options.push(li);
      });
      status.textContent = res.total ? t("search.ui.header_status", { results: counted(res) }) : (res.message ? t(res.message) : t("search.ui.no_results"));
      setActive(-1);
    }).catch(function (err) {
      if (my !== seq) return;
      status.textContent = errorText(err);
    });
  }

  input.addEventListener("focus", function () { engine().catch(function () {}); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (popup.hidden && input.value.trim()) { suggest(); return; }
      if (options.length) setActive((active + 1) % options.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (options.length) setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (e.key === "Enter") {
      if (active >= 0 && options[active]) { e.preventDefault(); window.location.href = options[active].dataset.url; }
    } else if (e.key === "Escape") {
      if (!popup.hidden) { e.preventDefault(); openPopup(false); } else { input.value = ""; }
    }
  });
  // Enter submits the form when no suggestion is chosen; when one is, open it
  // (some input methods deliver Enter as a separate character).
  form.addEventListener("submit", function (e) {
    if (active >= 0 && options[active]) {
      e.preventDefault();
      window.location.href = options[active].dataset.url;
    }
  });
  listbox.addEventListener("mousedown", function (e) { e.preventDefault(); });
  listbox.addEventListener("click", function (e) {
    var li = e.target.closest ? e.target.closest(".site-search-option") : null;
    if (li && li.dataset.url) window.location.href = li.dataset.url;
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) openPopup(false); });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    var target = document.getElementById("search-page-input") || input;
    target.focus();
    target.select();
  });

  // ---- Search page ----
  var page = document.getElementById("search-page");
  if (!page) return;
  var pageInput = document.getElementById("search-page-input");
  var summary = document.getElementById("search-summary");
  var results = document.getElementById("search-results");
  var facetsBox = document.getElementById("search-facets");
  var facetsBody = document.getElementById("search-facets-body");
  // On a phone the filters start folded, after the results.
  if (window.matchMedia && window.matchMedia("(max-width: 50rem)").matches) facetsBox.open = false;
  var more = document.getElementById("search-more");
  var facetNames = { guide: "search.ui.facet_guide", audiences: "search.ui.facet_audiences", tags: "search.ui.facet_tags" };
  var state = readURL(), pageSeq = 0;
  // As in the header: start loading the engine when the visitor starts to search.
  pageInput.addEventListener("focus", function () { engine().catch(function () {}); });

  function readURL() {
    var p = new URLSearchParams(window.location.search);
    var f = {};
    ["guide", "audiences", "tags"].forEach(function (k) { var v = p.getAll(k); if (v.length) f[k] = v; });
    return { q: p.get("q") || "", filters: f, from: 0 };
  }

  function writeURL() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    Object.keys(state.filters).forEach(function (k) { state.filters[k].forEach(function (v) { p.append(k, v); }); });
    try {
      history.replaceState(null, "", window.location.pathname + (p.toString() ? "?" + p.toString() : ""));
    } catch (e) {} // some browsers refuse it on file:// pages
  }

  function run(append) {
    var my = ++pageSeq;
    if (!state.q.trim()) { say(summary, "search.ui.type_words"); results.textContent = ""; more.hidden = true; facetsBox.hidden = true; return; }
    say(summary, enginePromise ? "search.ui.searching" : "search.ui.loading");
    engine().then(function (kb) {
      return kb.search({ q: state.q, filters: state.filters, from: state.from, size: 10 });
    }).then(function (res) {
      if (my !== pageSeq) return;
      if (!append) results.textContent = "";
      res.hits.forEach(function (h) {
        var li = el("li", "search-result");
        // Title and heading with the query's matches marked.
        var a = el("a", "search-result-title");
        a.appendChild(snippetNodes(h.titleHTML || h.title));
        if (h.heading && h.heading !== h.title) {
          a.appendChild(document.createTextNode(" — "));
          a.appendChild(snippetNodes(h.headingHTML || h.heading));
        }
        a.href = link(h.url);
        li.appendChild(a);
        li.appendChild(el("p", "search-result-crumb", h.crumb));
        var p = el("p", "search-result-snippet");
        p.appendChild(snippetNodes(h.snippet));
        li.appendChild(p);
        // The page's next best sections, each a link to its anchor.
        if (h.sections && h.sections.length) {
          var ul = el("ul", "search-result-sections");
          h.sections.forEach(function (s) {
            var sli = el("li");
            var sa = el("a");
            sa.appendChild(snippetNodes(s.headingHTML || s.heading || h.title));
            sa.href = link(s.url);
            sli.appendChild(sa);
            var sp = el("p", "search-result-snippet");
            sp.appendChild(snippetNodes(s.snippet));
            sli.appendChild(sp);
            ul.appendChild(sli);
          });
          li.appendChild(ul);
        }
        results.appendChild(li);
      });
      summary.textContent = res.total ? t("search.ui.page_summary", { results: counted(res), query: state.q })
        : (res.message ? t(res.message) : t("search.ui.no_results")) + (res.message === "search.message.none" ? t("search.ui.try_other") : "");
      more.hidden = !res.more;
      renderFacets(res.facets || {});
    }).catch(function (err) {
      if (my !== pageSeq) return;
      summary.textContent = errorText(err);
    });
  }

  function renderFacets(facets) {
    // Keep the focus on the filter the visitor just changed.
    var focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.facet : null;
    facetsBody.textContent = "";
    var any = false;
    ["guide", "audiences", "tags"].forEach(function (name) {
      var list = facets[name] || [];
      if (!list.length) return;
      any = true;
      var fs = el("fieldset", "search-facet");
      fs.appendChild(el("legend", null, t(facetNames[name])));
      list.forEach(function (f, i) {
        var id = "facet-" + name + "-" + i;
        var row = el("div", "search-facet-row");
        var cb = document.createElement("input");
        cb.type = "checkbox";
        cb.id = id;
        cb.checked = !!f.selected;
        cb.dataset.facet = name + "\u0000" + f.term;
        cb.addEventListener("change", function () {
          var cur = state.filters[name] || [];
          cur = cb.checked ? cur.concat([f.term]) : cur.filter(function (t) { return t !== f.term; });
          if (cur.length) state.filters[name] = cur; else delete state.filters[name];
          state.from = 0;
          writeURL();
          run(false);
        });
        var label = el("label", null, f.term + " (" + f.count + ")");
        label.htmlFor = id;
        row.appendChild(cb);
        row.appendChild(label);
        fs.appendChild(row);
      });
      facetsBody.appendChild(fs);
    });
    if (any) facetsBody.insertBefore(el("p", "search-facet-note", t("search.ui.facet_counts")), facetsBody.firstChild);
    facetsBox.hidden = !any;
    if (focused) {
      var again = Array.prototype.find.call(facetsBody.querySelectorAll("input[data-facet]"), function (c) { return c.dataset.facet === focused; });
      if (again) again.focus();
    }
  }

  page.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault();
    state.q = pageInput.value;
    state.from = 0;
    writeURL();
    run(false);
  });
  more.addEventListener("click", function () { state.from += 10; run(true); });
  pageInput.value = state.q;
  if (!supported()) { say(summary, "search.ui.unsupported_page"); return; }
  if (state.q) run(false); // else the page already says to type words (nothing is fetched until then)
})();
