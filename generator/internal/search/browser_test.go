package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/server"
	"vepkb/generator/internal/site"
)

func browser(t *testing.T) (context.Context, context.CancelFunc) {
	return browsertest.New(t, 90*time.Second)
}

var (
	siteOnce sync.Once
	siteDest string
	siteErr  error
)

// builtSite builds the repository's knowledge base (with search) once per
// process, into the shared folder; the tests only read it.
func builtSite(t *testing.T) string {
	t.Helper()
	siteOnce.Do(func() {
		root, _ := filepath.Abs("../../..")
		dest := filepath.Join(shared, "public")
		_, siteErr = site.Build(context.Background(), site.Options{Root: root, Dest: dest, NoPDF: true}) // PDFs are tested in package main
		siteDest = dest
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	// Checked on every call: the site must still be there for each test.
	if _, err := os.Stat(filepath.Join(siteDest, "search", "index.html")); err != nil {
		t.Fatalf("search page not built (is [search] enabled in config.toml?): %v", err)
	}
	return siteDest
}

// page wraps a browser tab for short test steps.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) bt() browsertest.Page { return browsertest.Page{T: p.t, Ctx: p.ctx} }

func (p page) do(steps ...chromedp.Action[chromedp.Void]) { p.t.Helper(); p.bt().Do(steps...) }
func (p page) text(sel string) string                     { p.t.Helper(); return p.bt().Text(sel) }
func (p page) eval(expr string) string                    { p.t.Helper(); return p.bt().Eval(expr) }
func (p page) waitFor(expr string)                        { p.t.Helper(); p.bt().WaitFor(expr) }
func (p page) attr(sel, name string) string               { p.t.Helper(); return p.bt().Attr(sel, name) }

func TestSearchInBrowser(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	dest := builtSite(t)
	srv := httptest.NewServer(server.New(dest))
	defer srv.Close()
	p := page{t, ctx}

	p.do(chromedp.Navigate(srv.URL + "/search/?q=dynamic+security"))
	p.waitFor(`document.querySelectorAll('#search-results > li').length > 0`)
	summary := p.text("#search-summary")
	hits := p.eval(`String(document.querySelectorAll('#search-results > li').length)`)
	snippet := p.eval(`document.querySelector('#search-results > li .search-result-snippet').innerHTML`)
	if !strings.Contains(summary, "sections) for") || hits != "10" {
		t.Errorf("summary %q, %s hits shown", summary, hits)
	}
	if !strings.Contains(snippet, "<mark>") {
		t.Errorf("no <mark> in snippet %q", snippet)
	}
	// Matches are marked in titles too.
	if n := p.eval(`String(document.querySelectorAll('#search-results > li > a.search-result-title mark').length)`); n == "0" {
		t.Error("no <mark> in the results' titles")
	}
	// One result a page, with its next best sections as links below it.
	if n := p.eval(`String(new Set(Array.from(document.querySelectorAll('#search-results > li > a.search-result-title')).map(a => new URL(a.href).pathname)).size)`); n != "10" {
		t.Errorf("the first 10 results are %s different pages", n)
	}
	if n := p.eval(`String(document.querySelectorAll('#search-results > li:first-child .search-result-sections a[href*="#"]').length)`); n != "2" {
		t.Errorf("the first result lists %s further sections, want 2", n)
	}

	// More results on demand.
	p.do(chromedp.Click(chromedp.CSS("#search-more")))
	p.waitFor(`document.querySelectorAll('#search-results > li').length > 10`)

	// A facet filters the results and goes into the URL.
	p.waitFor(`document.querySelectorAll('#search-facets input[type=checkbox]').length > 0`)
	// On a narrow window the filters come folded after the results: unfold them.
	if p.eval(`String(document.getElementById('search-facets').open)`) != "true" {
		p.do(chromedp.Click(chromedp.CSS(`#search-facets > summary`)))
	}
	p.do(chromedp.Click(chromedp.CSS(`#search-facets fieldset:nth-of-type(2) input[type=checkbox]`)))
	p.waitFor(`document.getElementById('search-summary').textContent !== ` + jsString(summary) +
		` && document.getElementById('search-summary').textContent.indexOf('sections) for') >= 0`)
	// The focus stays on the filter the visitor changed.
	p.waitFor(`document.activeElement && document.activeElement.dataset && document.activeElement.dataset.facet !== undefined && document.activeElement.checked`)
	if url := p.eval(`location.search`); !strings.Contains(url, "audiences=") {
		t.Errorf("facet not in the URL: %s", url)
	}

	// A typo still finds results; the URL opens the search on reload.
	p.do(chromedp.Navigate(srv.URL + "/search/?q=rehabilitaton"))
	p.waitFor(`document.getElementById('search-summary').textContent.indexOf('sections) for') >= 0`)

	// Bad input: no crash, a message.
	p.do(chromedp.Navigate(srv.URL + "/search/?q=the+and+of"))
	p.waitFor(`document.getElementById('search-summary').textContent.indexOf('common words') >= 0`)

	// The header field: "/" focuses it, typing suggests, arrows select, Escape closes.
	p.do(chromedp.Navigate(srv.URL+"/safeguards/"), chromedp.WaitReady(chromedp.CSS("#site-search-input")))
	p.do(chromedp.KeyEvent("/"))
	if id := p.eval(`document.activeElement.id`); id != "site-search-input" {
		t.Errorf("'/' focused %q", id)
	}
	// DevTools delivers the "/" character separately from its keydown, which a
	// real keyboard does not; clear it before typing.
	p.eval(`document.getElementById('site-search-input').value = ''`)
	p.do(chromedp.KeyEvent("vetting"))
	p.waitFor(`document.getElementById('site-search-listbox').dataset.query === 'vetting' && document.querySelectorAll('#site-search-listbox [role=option]').length > 0`)
	// An option is not a link inside an option (nested interactive elements).
	if n := p.eval(`String(document.querySelectorAll('#site-search-listbox [role=option] a, #site-search-listbox [role=option] button').length)`); n != "0" {
		t.Errorf("%s interactive elements inside options", n)
	}
	p.do(chromedp.KeyEvent(kb.ArrowDown)) // ArrowDown
	if id := p.attr("#site-search-input", "aria-activedescendant"); id != "site-search-option-0" {
		t.Errorf("active option %q", id)
	}
	p.do(chromedp.KeyEvent(kb.Escape)) // Escape
	if exp := p.attr("#site-search-input", "aria-expanded"); exp != "false" {
		t.Errorf("aria-expanded after Escape: %q", exp)
	}
	// Enter on a suggestion opens it.
	p.do(chromedp.KeyEvent(" training"))
	p.waitFor(`document.getElementById('site-search-listbox').dataset.query === 'vetting training' && document.querySelectorAll('#site-search-listbox [role=option]').length > 0`)
	want := p.eval(`document.getElementById('site-search-option-0').dataset.url`)
	p.do(chromedp.KeyEvent(kb.ArrowDown))
	if id := p.attr("#site-search-input", "aria-activedescendant"); id != "site-search-option-0" {
		t.Fatalf("active option %q before Enter", id)
	}
	p.do(chromedp.KeyEvent(kb.Enter), chromedp.Sleep(time.Second))
	if got := p.eval(`location.pathname + location.hash`); got != want {
		t.Errorf("Enter opened %q, want %q", got, want)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestSearchIndexDownloadFails checks the message shown when index pages
// cannot be fetched.
func TestSearchIndexDownloadFails(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	dest := builtSite(t)
	files := server.New(dest)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".kbx") {
			http.Error(w, "gone", http.StatusServiceUnavailable)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	p := page{t, ctx}
	p.do(chromedp.Navigate(srv.URL + "/search/?q=prison"))
	p.waitFor(`document.getElementById('search-summary').textContent.indexOf('unavailable') >= 0`)
	if s := p.text("#search-summary"); !strings.Contains(s, "503") {
		t.Errorf("summary %q", s)
	}
}

// TestSearchTransferBudget measures, in Chromium over HTTP with brotli, what
// the search downloads: nothing on page load, the engine once, then the page
// and index pages for a first query, and index pages for a later one. It
// asserts the byte budgets and logs warm query times (times are not
// asserted: the machine is shared and noisy).
func TestSearchTransferBudget(t *testing.T) {
	measureBudget(t, builtSite(t), "dynamic security", "family contact during custody", true)
}

// TestSearchTransferBudgetCorpus measures a site built elsewhere, such as
// the 10,000-page corpus: KB_BUDGET_SITE=/path/to/public (logged only).
func TestSearchTransferBudgetCorpus(t *testing.T) {
	dir := os.Getenv("KB_BUDGET_SITE")
	if dir == "" {
		t.Skip("set KB_BUDGET_SITE to a built site to measure it")
	}
	measureBudget(t, dir, "information policy", "records manager retention", false)
}

func measureBudget(t *testing.T, dest, q1, q2 string, enforce bool) {
	ctx, cancel := browser(t)
	defer cancel()
	srv := httptest.NewServer(server.New(dest))
	defer srv.Close()
	p := page{t, ctx}

	p.do(chromedp.Navigate(srv.URL + "/"))
	p.waitFor(`document.readyState === 'complete'`)
	if n := p.eval(`String(performance.getEntriesByType('resource').filter(e => /\.wasm|wasm_exec|search-index/.test(e.name)).length)`); n != "0" {
		t.Errorf("the engine or the index loaded with the page (%s requests)", n)
	}

	p.do(chromedp.Navigate(srv.URL + "/search/?q=" + strings.ReplaceAll(q1, " ", "+")))
	p.waitFor(`document.querySelectorAll('#search-results > li').length > 0`)
	// The engine compiled, started and searched in its worker: Go's
	// runtime never loaded on the page.
	if where := p.eval(`typeof Go === 'undefined' && typeof kbSearch.search === 'function' ? 'worker' : 'page'`); where != "worker" {
		t.Error("the search engine runs on the page's thread, not in its worker")
	}
	engine := p.eval(`String(performance.getEntriesByType('resource').filter(e => /\.wasm|wasm_exec/.test(e.name)).reduce((a, e) => a + e.transferSize, 0))`)
	first := p.eval(`String(performance.getEntriesByType('navigation')[0].transferSize + performance.getEntriesByType('resource').filter(e => !/\.wasm|wasm_exec/.test(e.name)).reduce((a, e) => a + e.transferSize, 0))`)
	requests := p.eval(`String(performance.getEntriesByType('resource').filter(e => /search-index/.test(e.name)).length)`)
	t.Logf("largest transfers of the first query: %s", p.eval(`performance.getEntriesByType('resource').filter(e => !/\.wasm|wasm_exec/.test(e.name)).sort((a, b) => b.transferSize - a.transferSize).slice(0, 6).map(e => e.name.replace(/^.*\//, '') + ' ' + e.transferSize).join(', ')`))
	mark := p.eval(`String(performance.now())`)
	p.do(chromedp.SetValue(chromedp.CSS("#search-page-input"), q2), chromedp.Click(chromedp.CSS(".search-page-form button")))
	p.waitFor(`document.getElementById('search-summary').textContent.indexOf(` + jsString(q2) + `) >= 0`)
	later := p.eval(`String(performance.getEntriesByType('resource').filter(e => e.startTime >= ` + mark + `).reduce((a, e) => a + e.transferSize, 0))`)
	t.Logf("largest transfers of the later query: %s", p.eval(`performance.getEntriesByType('resource').filter(e => e.startTime >= `+mark+`).sort((a, b) => b.transferSize - a.transferSize).slice(0, 6).map(e => e.name.replace(/^.*\//, '') + ' ' + e.transferSize).join(', ')`))
	laterRequests := p.eval(`String(performance.getEntriesByType('resource').filter(e => e.startTime >= ` + mark + `).length)`)
	warm := p.eval(`(async () => {
		const qs = ["dynamic security", "rehabilitaton", "\"information sharing\"", "families -children", "risk assessment", "vetting"];
		for (const q of qs) await kbSearch.search({q: q, size: 10});
		const times = [];
		for (let i = 0; i < 5; i++) for (const q of qs) { const t0 = performance.now(); await kbSearch.search({q: q, size: 10}); times.push(performance.now() - t0); }
		times.sort((a, b) => a - b);
		return times[Math.floor(times.length / 2)].toFixed(1);
	})()`)
	t.Logf("engine %s bytes; first query %s bytes (page, stylesheet, scripts, index: %s index requests); later query %s bytes (%s requests); warm query median %s ms",
		engine, first, requests, later, laterRequests, warm)
	if !enforce {
		return
	}
	for _, c := range []struct {
		name  string
		value string
		limit int
	}{{"engine", engine, 1500 << 10}, {"first query", first, 100 << 10}, {"later query", later, 30 << 10}} {
		var n int
		if _, err := fmt.Sscan(c.value, &n); err != nil || n <= 0 || n > c.limit {
			t.Errorf("%s: %s bytes, budget %d", c.name, c.value, c.limit)
		}
	}
}

// TestSearchSlowLink logs how long a cold query takes when every index
// request waits 100 ms, as on a slow mobile link: with pages prefetched in
// parallel the query waits a few round trips, not one per page. Logged only.
func TestSearchSlowLink(t *testing.T) {
	dest := builtSite(t)
	files := server.New(dest)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/search-index/") {
			time.Sleep(100 * time.Millisecond)
		}
		files.ServeHTTP(w, r)
	})
	// HTTP/1.1 lets a browser open six connections to a host, so parallel
	// requests beyond six wait; over HTTP/2 (most static hosts) they share
	// one connection.
	for _, proto := range []string{"HTTP/1.1", "HTTP/2"} {
		t.Run(proto, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(slow)
			if proto == "HTTP/2" {
				srv.EnableHTTP2 = true
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			coldQuery(t, srv.URL)
		})
	}
}

// coldQuery times a first query on the search page at url, the engine and
// the manifest loaded beforehand (focusing the search field loads them) so
// that only the query's own index requests count.
func coldQuery(t *testing.T, url string) {
	ctx, cancel := browser(t)
	defer cancel()
	p := page{t, ctx}
	// A background headless tab gets no focus event from focus(): send one.
	p.do(chromedp.Navigate(url + "/search/"))
	p.eval(`document.getElementById('search-page-input').dispatchEvent(new FocusEvent('focus')), ''`)
	p.waitFor(`typeof kbSearch === 'object' && performance.getEntriesByType('resource').some(e => /index\.[0-9a-f]+\.json/.test(e.name) && e.responseEnd > 0)`)
	p.eval(`new Promise(r => setTimeout(() => r(''), 200))`)
	before := p.eval(`String(performance.getEntriesByType('resource').filter(e => /search-index/.test(e.name)).length)`)
	ms := p.eval(`(async () => {
		const t0 = performance.now();
		const r = await kbSearch.search({q: 'family contact during custody', size: 10});
		if (!r || !r.total) return 'no results';
		return (performance.now() - t0).toFixed(0);
	})()`)
	t.Logf("index requests, start-end ms: %s", p.eval(`(() => { const es = performance.getEntriesByType('resource').filter(e => /search-index\/[0-9a-f]+\.kbx/.test(e.name)); const t0 = Math.min(...es.map(e => e.startTime)); return es.map(e => Math.round(e.startTime - t0) + '-' + Math.round(e.responseEnd - t0)).join(' '); })()`))
	after := p.eval(`String(performance.getEntriesByType('resource').filter(e => /search-index/.test(e.name)).length)`)
	reqs := fmt.Sprintf("%d", atoi(after)-atoi(before))
	proto := p.eval(`performance.getEntriesByType('resource').filter(e => /search-index/.test(e.name)).map(e => e.nextHopProtocol)[0] || ''`)
	t.Logf("cold query with 100 ms per index request: %s ms for %s index requests over %s (engine and manifest already loaded)", ms, reqs, proto)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestSearchPlainStaticServer serves public/ with Go's plain file server
// (no pre-compressed copies, no special headers, as any static host) and
// searches it. KB_PLAIN_SITE=/path/to/public runs it on another built site
// (the 10,000-page corpus) instead of the bundled knowledge base.
func TestSearchPlainStaticServer(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	dest, q := os.Getenv("KB_PLAIN_SITE"), "information policy"
	if dest == "" {
		dest, q = builtSite(t), "family contact"
	}
	var brotli int
	files := http.FileServer(http.Dir(dest))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".br") {
			brotli++
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	p := page{t, ctx}
	p.do(chromedp.Navigate(srv.URL + "/search/?q=" + strings.ReplaceAll(q, " ", "+")))
	p.waitFor(`document.querySelectorAll('#search-results > li').length > 0 || /unavailable|failed/i.test(document.getElementById('search-summary').textContent)`)
	summary := p.text("#search-summary")
	snippets := p.eval(`Array.from(document.querySelectorAll('#search-results .search-result-snippet')).map(e => e.innerHTML).join(' ')`)
	if !strings.Contains(summary, "sections) for") || !strings.Contains(snippets, "<mark>") {
		t.Fatalf("plain static server: summary %q, snippets %.200q", summary, snippets)
	}
	if brotli > 0 {
		t.Errorf("the client asked for %d .br files by name; it should leave encoding to the server", brotli)
	}
	t.Logf("%s: %s", q, summary)
}
