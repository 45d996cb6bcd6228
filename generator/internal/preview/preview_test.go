package preview

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vepkb/generator/internal/livereload"
	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/internal/site"
	"vepkb/generator/internal/sitetest"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/schema"
)

func newSite(t testing.TB) string { return sitetest.Basic(t) }

func start(t testing.TB, root string) (*Server, *bytes.Buffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	s, err := Start(Options{Site: site.Options{Root: root}, Listener: ln, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &log.Buffer
}

type syncBuffer struct{ bytes.Buffer }

func get(t *testing.T, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestServesOnlyTheBuiltSite(t *testing.T) {
	root := newSite(t)
	// A symbolic link in the output pointing out of it must not be followed.
	s, _ := start(t, root)
	if err := os.Symlink(root, filepath.Join(s.Dest(), "escape")); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(s.URL(), "/")
	for _, path := range []string{
		"/../config.toml", "/%2e%2e/config.toml", "/%2e%2e%2fconfig.toml", "/guide-a/..%2f..%2fconfig.toml",
		"/..%5cconfig.toml", "/escape/config.toml", "/content/", "/themes/default/layouts/base.html", "/config.toml",
	} {
		// Redirects to cleaned paths are followed: they must end nowhere.
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(data)
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if strings.Contains(body, "baseURL") || strings.Contains(body, "{{define") {
			t.Errorf("%s: served a source file", path)
		}
	}
	for path, ct := range map[string]string{
		"/": "text/html; charset=utf-8", "/guide-a/img/map.svg": "image/svg+xml", "/sitemap.xml": "application/xml; charset=utf-8",
		livereload.ScriptPath: "text/javascript; charset=utf-8", "/robots.txt": "text/plain; charset=utf-8",
	} {
		resp, body := get(t, base+path, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct {
			t.Errorf("%s: status %d, Content-Type %q, want %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), ct)
		}
		if path == "/" && !strings.Contains(body, livereload.Tag) {
			t.Error("the live-reload script is not in the page")
		}
	}
	// A missing page gets the site's 404 page, with the script.
	resp, body := get(t, base+"/no/such/page/", nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, livereload.Tag) {
		t.Errorf("404: status %d", resp.StatusCode)
	}
}

func TestLiveEndpointIsSameOriginOnly(t *testing.T) {
	s, _ := start(t, newSite(t))
	url := s.URL() + strings.TrimPrefix(livereload.EventsPath, "/")
	host := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/")
	for _, c := range []struct {
		name   string
		header map[string]string
		ok     bool
	}{
		{"cross-site page", map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"same-site page on another port", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"foreign origin", map[string]string{"Origin": "http://evil.example"}, false},
		{"DNS rebinding", map[string]string{"Host": "evil.example:80"}, false},
		{"own page", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://" + host}, true},
	} {
		if c.ok {
			continue // checked below, as a stream
		}
		resp, _ := get(t, url, c.header)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", c.name, resp.StatusCode)
		}
	}
	// The page's own connection gets the stream, starting with hello.
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	line, err := readEvent(bufio.NewReader(resp.Body))
	if err != nil || !strings.Contains(line, `"type":"hello"`) {
		t.Fatalf("first event %q, %v", line, err)
	}
}

func readEvent(r *bufio.Reader) (string, error) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(line, "data: ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "data: ")), nil
		}
	}
}

// TestRebuildEvents edits files while a client listens: it is told which
// pages changed, about errors, and that they are fixed; the terminal gets a
// line per rebuild.
func TestRebuildEvents(t *testing.T) {
	root := newSite(t)
	s, log := start(t, root)
	req, _ := http.NewRequest("GET", s.URL()+strings.TrimPrefix(livereload.EventsPath, "/"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if _, err := readEvent(r); err != nil { // hello
		t.Fatal(err)
	}
	events := make(chan string, 16)
	go func() {
		for {
			e, err := readEvent(r)
			if err != nil {
				close(events)
				return
			}
			events <- e
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-time.After(15 * time.Second):
			t.Fatal("no event within 15 s")
		}
		return ""
	}
	page := filepath.Join(root, "content/guide-b/one.md")
	if err := os.WriteFile(page, []byte("---\ntitle: \"Only chapter\"\n---\nEdited text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e := next(); !strings.Contains(e, `"type":"reload"`) || !strings.Contains(e, `"/guide-b/one/"`) || strings.Contains(e, `"all":true`) {
		t.Fatalf("after an edit: %s", e)
	}
	if err := os.WriteFile(page, []byte("---\ntitle: [unclosed\n---\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e := next(); !strings.Contains(e, `"type":"errors"`) || !strings.Contains(e, `"file":"content/guide-b/one.md"`) || !strings.Contains(e, `"line":2`) {
		t.Fatalf("after breaking the front matter: %s", e)
	}
	if err := os.WriteFile(page, []byte("---\ntitle: \"Only chapter\"\n---\nFixed text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e := next(); e != `{"type":"ok"}` {
		t.Fatalf("after the fix, first: %s", e)
	}
	if e := next(); !strings.Contains(e, `"/guide-b/one/"`) {
		t.Fatalf("after the fix: %s", e)
	}
	time.Sleep(50 * time.Millisecond)
	out := log.String()
	for _, want := range []string{"content/guide-b/one.md: 10 pages rendered, 2 changed", "build failed (1 error", "content/guide-b/one.md:2"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, out)
		}
	}
}

// TestFirstBuildFails serves a page that shows the errors, and recovers.
func TestFirstBuildFails(t *testing.T) {
	root := newSite(t)
	page := filepath.Join(root, "content/guide-b/one.md")
	good, _ := os.ReadFile(page)
	if err := os.WriteFile(page, []byte("---\ntitle: [\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := start(t, root)
	resp, body := get(t, s.URL(), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "could not be built") || !strings.Contains(body, livereload.Tag) {
		t.Fatalf("placeholder: %d %s", resp.StatusCode, body)
	}
	if err := os.WriteFile(page, good, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if _, body := get(t, s.URL(), nil); strings.Contains(body, "Test KB") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the site was not built after the fix")
}

// TestPreviewSearchFollows: the preview's search index is rebuilt after an
// edit, and a word added to a page becomes findable.
func TestPreviewSearchFollows(t *testing.T) {
	root := newSite(t)
	cfg := filepath.Join(root, "config.toml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(data, "\n[search]\nenabled = true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	s, log := start(t, root)
	find := func(word string) int {
		dir := filepath.Join(s.Dest(), "search-index")
		ix, err := kbxfiles.Open(dir)
		if err != nil {
			return -1 // not written yet, or being replaced
		}
		m, _ := schema.Mapping()
		ctx := context.Background()
		res, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: word})
		if err != nil {
			return -1
		}
		return int(res.Total)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute) // the first run compiles the engine
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within the time limit\n%s", what, log.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("first index", func() bool { return find("chapter") > 0 })
	if n := find("zebracorn"); n != 0 {
		t.Fatalf("zebracorn: %d results before the edit", n)
	}
	page := filepath.Join(root, "content/guide-b/one.md")
	if err := os.WriteFile(page, []byte("---\ntitle: \"Only chapter\"\n---\nA zebracorn appears.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("the new word findable", func() bool { return find("zebracorn") == 1 })
	resp, _ := get(t, s.URL()+"search-index/index.json", nil)
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("index.json Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}
