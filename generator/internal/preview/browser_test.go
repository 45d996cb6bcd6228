package preview

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
)

// TestLiveReloadInBrowser drives a real Chromium: a save shows without a
// manual reload and keeps the scroll position; broken front matter shows
// the error overlay over the last good page, and fixing it clears it; a
// stylesheet edit is swapped in without reloading.
func TestLiveReloadInBrowser(t *testing.T) {
	ctx, cancel := browsertest.New(t, 120*time.Second)
	defer cancel()
	root := newSite(t)
	page := filepath.Join(root, "content/guide-b/one.md")
	long := func(last string) string {
		var b strings.Builder
		b.WriteString("---\ntitle: \"Only chapter\"\n---\n")
		for i := 0; i < 120; i++ {
			fmt.Fprintf(&b, "Paragraph %d of a long page.\n\n", i)
		}
		return b.String() + last + "\n"
	}
	if err := os.WriteFile(page, []byte(long("First version.")), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := start(t, root)
	p := browsertest.Page{T: t, Ctx: ctx}
	p.Do(chromedp.Navigate(s.URL() + "guide-b/one/"))
	p.WaitFor(`document.documentElement.dataset.kbLive === 'on' && document.body.textContent.includes('First version.')`)
	// The event stream is open once the hub counts the page.
	waitClients(t, s)

	if y := p.Eval(`(window.scrollTo({top: 1500, behavior: 'instant'}), String(window.scrollY))`); y != "1500" {
		t.Fatalf("the page did not scroll: %s", y)
	}
	start := time.Now()
	write(t, page, long("Second version, saved in the editor."))
	p.WaitThrough(`document.body.textContent.includes('Second version, saved in the editor.')`)
	t.Logf("edit → browser shows it: %s", time.Since(start).Round(time.Millisecond))
	p.WaitFor(`document.readyState === 'complete'`)
	if y, _ := strconv.Atoi(p.Eval(`String(Math.round(window.scrollY))`)); y < 1400 || y > 1600 {
		t.Errorf("scroll position after the update: %d, want about 1500", y)
	}
	// An image edit reloads the page; the scroll position is kept.
	p.Eval(`(window.kbMarker = 'before reload', 'ok')`)
	write(t, filepath.Join(root, "content/guide-a/img/map.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="3" height="3"/>`)
	p.WaitThrough(`window.kbMarker === undefined && document.readyState === 'complete'`)
	if y, _ := strconv.Atoi(p.Eval(`String(Math.round(window.scrollY))`)); y < 1400 || y > 1600 {
		t.Errorf("scroll position after a reload: %d, want about 1500", y)
	}

	// Broken front matter: the overlay names file and line over the last good page.
	write(t, page, "---\ntitle: [unclosed\n---\nBroken.\n")
	p.WaitFor(`!!document.getElementById('kb-live-errors')`)
	overlay := p.Text("#kb-live-errors")
	if !strings.Contains(overlay, "content/guide-b/one.md:2") {
		t.Errorf("overlay: %q", overlay)
	}
	if !strings.Contains(p.Eval(`document.body.textContent`), "Second version") {
		t.Error("the last good page is gone under the overlay")
	}
	// A page opened while the error stands shows it too.
	p.Do(chromedp.Navigate(s.URL() + "guide-a/first/"))
	p.WaitFor(`!!document.getElementById('kb-live-errors')`)
	p.Do(chromedp.Navigate(s.URL() + "guide-b/one/"))
	p.WaitFor(`!!document.getElementById('kb-live-errors')`)
	waitClients(t, s)
	write(t, page, long("Third version, fixed."))
	p.WaitThrough(`!document.getElementById('kb-live-errors') && document.body.textContent.includes('Third version, fixed.')`)

	// A stylesheet edit is swapped in place: the page is not reloaded.
	p.Eval(`(window.kbMarker = 'not reloaded', 'ok')`)
	css := filepath.Join(root, "themes/default/assets/css/main.css")
	data, err := os.ReadFile(css)
	if err != nil {
		t.Fatal(err)
	}
	write(t, css, string(data)+"\n:root{--kb-test:swapped}\n")
	p.WaitFor(`getComputedStyle(document.documentElement).getPropertyValue('--kb-test').trim() === 'swapped'`)
	if m := p.Eval(`String(window.kbMarker)`); m != "not reloaded" {
		t.Errorf("the page reloaded for a stylesheet edit (marker %q)", m)
	}
	p.WaitFor(`document.querySelectorAll('link[rel="stylesheet"]').length === 1`)
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func waitClients(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Hub().Clients() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the page did not connect to the event stream")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPreviewSearchInBrowser: the preview offers the same search as the
// built site, from its fixed-name engine and index.
func TestPreviewSearchInBrowser(t *testing.T) {
	ctx, cancel := browsertest.New(t, 4*time.Minute)
	defer cancel()
	root := newSite(t)
	cfg := filepath.Join(root, "config.toml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	write(t, cfg, string(data)+"\n[search]\nenabled = true\n")
	s, _ := start(t, root)
	deadline := time.Now().Add(3 * time.Minute) // the first run compiles the engine
	for {
		if _, err := os.Stat(filepath.Join(s.Dest(), "search-index", "index.json")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no search index in the preview")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p := browsertest.Page{T: t, Ctx: ctx}
	p.Do(chromedp.Navigate(s.URL() + "search/?q=chapter"))
	p.WaitFor(`document.querySelectorAll('#search-results > li').length > 0`)
	if got := p.Text("#search-summary"); !strings.Contains(got, "for “chapter”") {
		t.Errorf("summary %q", got)
	}
}
