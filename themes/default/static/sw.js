// The knowledge base's service worker: when a reader asks to keep the site
// on this device (offline.js), it downloads every file listed in
// offline.json into one cache named by the build's version, and then
// answers every request from it, so pages and search work with no network.
// A new build has a new version: the next visit downloads it in the
// background and removes the old copy once the new one is complete.
"use strict";
var PREFIX = "kb-offline-";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

function currentCache() {
  return caches.keys().then(function (keys) {
    var ours = keys.filter(function (k) { return k.indexOf(PREFIX) === 0; }).sort();
    return ours.length ? ours[ours.length - 1] : null;
  });
}

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith(currentCache().then(function (name) {
    if (!name) return fetch(req);
    return caches.open(name).then(function (cache) {
      return cache.match(req, { ignoreSearch: req.mode === "navigate" }).then(function (hit) {
        return hit || fetch(req);
      });
    });
  }));
});

self.addEventListener("message", function (e) {
  var d = e.data || {};
  if (d.type === "sync") e.waitUntil(sync(d.manifest, e.source));
  if (d.type === "stop") e.waitUntil(stop(e.source));
});

function tell(client, msg) { if (client) client.postMessage(msg); }

function sync(manifestURL, client) {
  return fetch(manifestURL, { cache: "no-store" }).then(function (r) {
    if (!r.ok) throw new Error("offline.json: HTTP " + r.status);
    return r.json();
  }).then(function (m) {
    var name = PREFIX + m.version;
    return caches.has(name).then(function (have) {
      if (have) return;
      return caches.open(name).then(function (cache) {
        var done = 0, i = 0;
        function next() {
          var batch = m.files.slice(i, i + 8);
          i += batch.length;
          if (!batch.length) return Promise.resolve();
          return Promise.all(batch.map(function (u) { return cache.add(new Request(u, { cache: "no-cache" })); })).then(function () {
            done += batch.length;
            tell(client, { type: "progress", done: done, total: m.files.length });
            return next();
          });
        }
        return next().catch(function (err) { return caches.delete(name).then(function () { throw err; }); });
      });
    }).then(function () {
      return caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== name; }).map(function (k) { return caches.delete(k); }));
      });
    }).then(function () { tell(client, { type: "ready", version: m.version, size: m.size }); });
  }).catch(function (err) { tell(client, { type: "error", message: String(err && err.message || err) }); });
}

function stop(client) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { tell(client, { type: "stopped" }); });
}
