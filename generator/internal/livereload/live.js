// Live reload for the preview server (injected by `generator serve`, never
// part of a built site). It listens to /__kb/events; when the page changed it
// fetches the new version and replaces the parts of the body that differ
// (the article, the navigation), which keeps the scroll position and takes a
// few milliseconds, or reloads the page (keeping the scroll position) when
// its stylesheets, scripts or forms changed. It swaps stylesheets in place,
// and shows build errors over the last good page until they are fixed.
(() => {
  'use strict';
  const scrollKey = 'kb-live-scroll:' + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(',').map(Number);
    const restore = () => window.scrollTo({ left: x, top: y, behavior: 'instant' });
    restore();
    window.addEventListener('load', restore, { once: true });
  }

  const here = () => {
    let p = decodeURI(location.pathname);
    if (p.endsWith('/index.html')) p = p.slice(0, -'index.html'.length);
    return p;
  };

  const reload = () => {
    sessionStorage.setItem(scrollKey, window.scrollX + ',' + window.scrollY);
    location.reload();
  };

  // The parts of a body that may be replaced one by one: its children,
  // except that the element holding <main> is opened up.
  const parts = (body) => {
    let list = [...body.children];
    for (;;) {
      const i = list.findIndex((e) => e.tagName !== 'MAIN' && e.querySelector('main'));
      if (i < 0) break;
      list.splice(i, 1, ...list[i].children);
    }
    return list.filter((e) => e.tagName !== 'SCRIPT' && e.id !== 'kb-live-errors');
  };
  const assets = (doc) => [...doc.querySelectorAll('link[rel="stylesheet"], script[src]')]
    .map((e) => e.getAttribute('href') || e.getAttribute('src'))
    .filter((u) => u !== '/__kb/live.js').join(' ');
  const stateful = (e) => e.matches('form, input, textarea, select') || e.querySelector('form, input, textarea, select');

  // update brings the page up to date in place, or reloads it.
  const update = async () => {
    let doc;
    try {
      const res = await fetch(location.href, { cache: 'no-store' });
      if (res.status !== 200 || !(res.headers.get('Content-Type') || '').startsWith('text/html')) return reload();
      doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    } catch (e) {
      return reload();
    }
    if (assets(doc) !== assets(document)) return reload();
    const before = parts(document.body);
    const after = parts(doc.body);
    if (before.length !== after.length) return reload();
    const swaps = [];
    for (let i = 0; i < before.length; i++) {
      if (before[i].outerHTML === after[i].outerHTML) continue;
      if (before[i].tagName !== after[i].tagName || stateful(before[i]) || stateful(after[i])) return reload();
      swaps.push([before[i], after[i]]);
    }
    for (const [old, now] of swaps) old.replaceWith(document.importNode(now, true));
    document.title = doc.title;
    document.body.className = doc.body.className;
    document.dispatchEvent(new CustomEvent('kb:updated'));
  };
  let pending = Promise.resolve();
  const queueUpdate = () => { pending = pending.then(update, update); };

  let overlay = null;
  const hideErrors = () => {
    if (overlay) { overlay.remove(); overlay = null; }
  };
  const showErrors = (errors) => {
    hideErrors();
    overlay = document.createElement('div');
    overlay.id = 'kb-live-errors';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-labelledby', 'kb-live-errors-title');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;' +
      'background:rgba(20,20,20,.92);color:#fff;font:16px/1.5 system-ui,sans-serif';
    const h = document.createElement('h2');
    h.id = 'kb-live-errors-title';
    h.textContent = errors.length === 1 ? 'The site has an error' : 'The site has ' + errors.length + ' errors';
    h.style.cssText = 'margin:0 0 .5rem;color:#ffb4a8;font-size:1.4rem';
    const p = document.createElement('p');
    p.textContent = 'This is the last good version of the page. Fix the file and save: the page updates by itself.';
    p.style.cssText = 'margin:0 0 1rem';
    const list = document.createElement('ul');
    list.style.cssText = 'margin:0;padding:0;list-style:none';
    for (const e of errors) {
      const li = document.createElement('li');
      li.className = 'kb-live-error';
      li.style.cssText = 'margin:0 0 .75rem;padding:.75rem;border-left:4px solid #ff6f5e;background:#2b2b2b;' +
        'font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-break:break-word';
      const where = document.createElement('strong');
      where.textContent = e.file + (e.line ? ':' + e.line + (e.col ? ':' + e.col : '') : '');
      li.append(where, document.createTextNode(': ' + e.message));
      list.append(li);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide until the next save';
    close.style.cssText = 'margin-top:1rem;font:inherit;padding:.4rem .8rem';
    close.addEventListener('click', hideErrors);
    overlay.append(h, p, list, close);
    document.body.append(overlay);
  };

  const swapStylesheet = (href, integrity) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (!url.pathname.startsWith('/assets/css/')) continue;
      const next = link.cloneNode();
      if (integrity) next.integrity = integrity; else next.removeAttribute('integrity');
      next.href = href;
      next.addEventListener('load', () => link.remove(), { once: true });
      next.addEventListener('error', reload, { once: true });
      link.after(next);
    }
    document.documentElement.dataset.kbCss = href;
  };

  let server = null;
  const events = new EventSource('/__kb/events');
  events.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    switch (m.type) {
      case 'hello':
        // A restarted server may have rebuilt anything.
        if (server !== null && server !== m.server) { reload(); return; }
        server = m.server;
        if (m.errors && m.errors.length) showErrors(m.errors); else hideErrors();
        break;
      case 'errors':
        showErrors(m.errors);
        break;
      case 'ok':
        hideErrors();
        break;
      case 'css':
        swapStylesheet(m.href, m.integrity);
        break;
      case 'reload':
        // Files pages show (images) changed: reload. This page changed: update it.
        if (m.all) reload(); else if ((m.pages || []).includes(here())) queueUpdate();
        break;
    }
  });
  document.documentElement.dataset.kbLive = 'on';
})();
