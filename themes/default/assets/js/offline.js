// "Keep this knowledge base on this device": the reader's explicit choice to
// download the whole site (pages, search engine and index, PDFs) for use with
// no network. Nothing is downloaded before the button is used: a first press
// shows the size, a second downloads. The service worker (sw.js) keeps the
// copy up to date with each new build.
(function () {
  "use strict";
  var box = document.getElementById("offline");
  // Opened from the files (the offline copy), there is nothing to keep.
  if (!box || window.location.protocol === "file:" || !("serviceWorker" in navigator) || !window.caches) return;
  var btn = box.querySelector("button"), status = box.querySelector(".offline-status");
  var d = box.dataset, KEY = "kb-offline";
  var on = false, asked = false;
  try { on = localStorage.getItem(KEY) === "1"; } catch (e) {}
  box.hidden = false;

  function fill(s, vals) { return s.replace(/\{(\w+)\}/g, function (_, k) { return k in vals ? vals[k] : ""; }); }
  function size(n) { return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.round(n / 1024) + " KB"; }
  function remember(v) { try { if (v) localStorage.setItem(KEY, "1"); else localStorage.removeItem(KEY); } catch (e) {} }
  function label() { btn.textContent = on ? d.labelStop : d.labelStart; }

  navigator.serviceWorker.addEventListener("message", function (e) {
    var m = e.data || {};
    if (m.type === "progress") status.textContent = fill(d.labelProgress, { done: m.done, total: m.total });
    if (m.type === "ready") { status.textContent = fill(d.labelReady, { size: size(m.size) }); box.dataset.state = "ready"; }
    if (m.type === "error") status.textContent = fill(d.labelError, { message: m.message });
    if (m.type === "stopped") { status.textContent = d.labelStopped; box.dataset.state = "stopped"; }
  });

  function sync() {
    return navigator.serviceWorker.register(d.sw).then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      reg.active.postMessage({ type: "sync", manifest: d.manifest });
    });
  }

  btn.addEventListener("click", function () {
    if (on) {
      on = false; remember(false); label();
      navigator.serviceWorker.ready.then(function (reg) { reg.active.postMessage({ type: "stop" }); });
      return;
    }
    if (!asked) {
      fetch(d.manifest, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (m) {
        asked = true;
        btn.textContent = fill(d.labelConfirm, { size: size(m.size) });
      }).catch(function (err) { status.textContent = fill(d.labelError, { message: String(err && err.message || err) }); });
      return;
    }
    on = true; remember(true); label();
    sync().catch(function (err) { status.textContent = fill(d.labelError, { message: String(err && err.message || err) }); });
  });

  label();
  // Kept before: bring the copy up to date with this build.
  if (on) sync().catch(function () {});
})();
