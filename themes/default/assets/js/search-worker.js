// The search engine's own thread. search.js downloads the WebAssembly
// engine and hands its bytes over as they arrive; here they are compiled,
// Go's runtime starts and every query runs, so the page never waits on
// them. Files are still fetched by the page (kbFetch asks it), which keeps
// every download in the page's resource timing and its error messages.
(function () {
  "use strict";
  var pending = {}, seq = 0;

  function message(err) { return String(err && err.message || err); }

  // kbFetch is called by the engine for each index page it needs.
  self.kbFetch = function (name) {
    var id = ++seq;
    return new Promise(function (resolve, reject) {
      pending[id] = { resolve: resolve, reject: reject };
      self.postMessage({ type: "fetch", id: id, name: name });
    });
  };

  self.onmessage = function (e) {
    var m = e.data;
    if (m.type === "fetched") {
      var p = pending[m.id];
      delete pending[m.id];
      if (!p) return;
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(new Uint8Array(m.bytes));
    } else if (m.type === "runtime") {
      // Go's wasm_exec.js, loaded while the page still downloads the engine.
      try {
        importScripts(m.url);
      } catch (err) {
        self.postMessage({ type: "failed", error: "could not load " + m.url + ": " + message(err) });
      }
    } else if (m.type === "start") {
      // The engine's bytes as the page receives them (a stream it handed
      // over), compiled as they arrive; or all of them at once.
      if (typeof self.Go !== "function") return; // said already
      var go = new self.Go();
      self.kbSearchReady = function () { self.postMessage({ type: "ready" }); };
      var module;
      if (m.bytes) module = WebAssembly.compile(m.bytes);
      else {
        var r = new Response(m.body, { headers: { "Content-Type": "application/wasm" } });
        module = WebAssembly.compileStreaming ? WebAssembly.compileStreaming(r) : r.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
      }
      module.then(function (mod) {
        return WebAssembly.instantiate(mod, go.importObject);
      }).then(function (instance) {
        go.run(instance);
      }, function (err) {
        self.postMessage({ type: "failed", error: "search engine: " + message(err) });
      });
    } else if (m.type === "call") {
      Promise.resolve().then(function () {
        return self.kbSearch[m.method](m.arg);
      }).then(function (value) {
        self.postMessage({ type: "result", id: m.id, value: value });
      }, function (err) {
        self.postMessage({ type: "result", id: m.id, error: message(err) });
      });
    }
  };
})();
