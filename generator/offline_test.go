package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/server"
)

// TestOffline: a reader turns on "Keep this knowledge base on this device",
// the server goes away, and pages and search still work.
func TestOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site and drives Chromium")
	}
	dest, code, out, errs := bundledSite(t)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	srv := httptest.NewServer(server.New(dest))
	defer srv.Close()
	ctx, cancel := browsertest.New(t, 3*time.Minute)
	defer cancel()
	p := browsertest.Page{T: t, Ctx: ctx}
	p.Do(chromedp.Navigate(srv.URL + "/safeguards/"))
	p.WaitFor(`!document.getElementById('offline').hidden`)
	if s := p.Eval(`String(performance.getEntriesByType('resource').filter(e => e.name.indexOf('offline.json') >= 0).length)`); s != "0" {
		t.Error("offline.json was downloaded before the reader asked")
	}
	p.Do(chromedp.Click(chromedp.CSS("#offline button")))
	p.WaitFor(`/Download \d/.test(document.querySelector('#offline button').textContent)`)
	p.Do(chromedp.Click(chromedp.CSS("#offline button")))
	p.WaitFor(`document.getElementById('offline').dataset.state === 'ready'`)
	if s := p.Text("#offline .offline-status"); !strings.Contains(s, "up to date") {
		t.Errorf("status %q", s)
	}

	srv.Close() // no network from here on
	p.Do(chromedp.Navigate(srv.URL + "/glossary/"))
	if h := p.Text("h1"); h != "Glossary" {
		t.Errorf("offline, the glossary's title is %q", h)
	}
	p.Do(chromedp.Navigate(srv.URL + "/search/?q=vetting"))
	p.WaitFor(`document.querySelectorAll('#search-results li').length > 0`)
}
