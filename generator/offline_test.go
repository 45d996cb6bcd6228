package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/render"
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
	p.WaitFor(`document.querySelectorAll('#search-results > li').length > 0`)
}

// TestOfflineCopy: a trainer downloads the offline copy, unpacks it on a
// laptop with no network, opens index.html from the files, follows links,
// and searches, from the header and on the search page.
func TestOfflineCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site and drives Chromium")
	}
	dest, code, out, errs := bundledSite(t)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	home, err := os.ReadFile(filepath.Join(dest, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`href="/([^"]+\.zip)"[^>]*>[^<]*</a> <span class="pdf-details">\(ZIP, ([0-9.]+ [KM]B)`).FindSubmatch(home)
	if m == nil {
		t.Fatal("the home page does not link the offline copy with its size")
	}
	zipPath := filepath.Join(dest, string(m[1]))
	st, err := os.Stat(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := render.FileSize(st.Size()); string(m[2]) != want {
		t.Errorf("the home page says %s, the copy is %s", m[2], want)
	}
	var manifest struct{ Files []string }
	if data, err := os.ReadFile(filepath.Join(dest, "offline.json")); err != nil || json.Unmarshal(data, &manifest) != nil {
		t.Fatalf("offline.json: %v", err)
	}
	if slices.Contains(manifest.Files, "/"+string(m[1])) {
		t.Error("the service worker would keep the offline copy too")
	}

	dir := t.TempDir()
	folder := unzip(t, zipPath, dir)
	// No link may depend on a server: none starts at the site's root, and
	// none names a folder without its index.html.
	rootLink := regexp.MustCompile(`(?:href|src|action)="(/[^/"][^"]*|/)"`)
	folderLink := regexp.MustCompile(`href="([^":#?]*/)(?:[#?][^"]*)?"`)
	pages := 0
	filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") || strings.HasSuffix(p, ".wasm") || strings.HasSuffix(p, ".kbx"):
			t.Errorf("%s: served-only file in the copy", p)
		case strings.HasSuffix(p, ".html"):
			pages++
			data, _ := os.ReadFile(p)
			if l := rootLink.Find(data); l != nil {
				t.Errorf("%s: link from the site's root: %s", p, l)
			}
			if l := folderLink.Find(data); l != nil {
				t.Errorf("%s: link to a folder: %s", p, l)
			}
			if bytes.Contains(data, []byte("integrity=")) || bytes.Contains(data, []byte(".zip")) {
				t.Errorf("%s: integrity attributes or the link to the copy are still there", p)
			}
		}
		return nil
	})
	if pages < 200 {
		t.Errorf("%d pages in the copy", pages)
	}

	ctx, cancel := browsertest.New(t, 3*time.Minute)
	defer cancel()
	var problems []string
	var mu sync.Mutex
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			problems = append(problems, "exception: "+msg)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "console: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	p := browsertest.Page{T: t, Ctx: ctx}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err) // no network at all
	}
	p.Do(chromedp.Navigate("file://" + filepath.ToSlash(folder) + "/index.html"))
	if h := p.Text("h1"); !strings.Contains(h, "Knowledge Base") {
		t.Errorf("home page title %q", h)
	}
	if p.Eval(`String(document.querySelector('link[rel=stylesheet]').sheet !== null)`) != "true" {
		t.Error("the stylesheet did not load from the files")
	}
	if p.Eval(`String(document.getElementById('offline').hidden)`) != "true" {
		t.Error("the copy offers to keep itself on the device")
	}
	// Follow a link to a guide.
	p.Do(chromedp.Click(chromedp.CSS(".guide-list h3 a"), chromedp.NodeVisible))
	p.WaitThrough(`location.pathname.endsWith('/index.html') && document.querySelector('h1') && document.querySelector('.guide-nav, .has-sidebar') !== null`)
	guide := p.Eval(`location.href`)
	if !strings.HasPrefix(guide, "file://") || strings.Count(strings.TrimPrefix(guide, "file://"+filepath.ToSlash(folder)), "/") != 2 {
		t.Errorf("the guide opened at %s", guide)
	}
	// Search from the header: the suggestions come from the engine and the
	// index loaded as scripts from the files.
	p.Click("#site-search-input")
	p.Type("#site-search-input", "vetting")
	p.WaitFor(`document.querySelectorAll('#site-search-listbox li').length > 0`)
	opt := p.Eval(`document.querySelector('#site-search-listbox li').dataset.url`)
	if !strings.HasPrefix(opt, "file://") || !strings.Contains(opt, "/index.html") {
		t.Errorf("suggestion opens %s", opt)
	}
	// The search page: submit the header form.
	p.Type("#site-search-input", "\r")
	p.WaitThrough(`location.pathname.endsWith('/search/index.html') && document.querySelectorAll('#search-results > li').length > 0`)
	if s := p.Eval(`document.querySelector('#search-summary').innerText`); !strings.Contains(s, "vetting") {
		t.Errorf("search summary %q", s)
	}
	first := p.Eval(`document.querySelector('#search-results > li a').getAttribute('href')`)
	p.Click("#search-results > li a")
	p.WaitThrough(`location.pathname.endsWith('/index.html') && !location.pathname.endsWith('/search/index.html')`)
	if got := p.Eval(`location.href`); got != first {
		t.Errorf("the first result opened %s, its link is %s", got, first)
	}
	if frag := p.Eval(`location.hash.slice(1)`); frag != "" && p.Eval(`String(!!document.getElementById(decodeURIComponent(location.hash.slice(1))))`) != "true" {
		t.Errorf("the first result's anchor #%s is not on its page", frag)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range problems {
		t.Error(s)
	}
}

// unzip unpacks the archive into dir and returns its one top folder.
func unzip(t *testing.T, zipPath, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tops := map[string]bool{}
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			t.Fatalf("entry %q is outside the folder", f.Name)
		}
		tops[strings.SplitN(f.Name, "/", 2)[0]] = true
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(tops) != 1 {
		t.Fatalf("the copy unpacks into %d folders: %v", len(tops), tops)
	}
	for top := range tops {
		return filepath.Join(dir, top)
	}
	return ""
}
