package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/sitetest"
)

// TestOptionalLayouts: a theme may leave out the layouts of optional
// outputs; those outputs are then not made and not listed, while a missing
// content layout is an error naming the file.
func TestOptionalLayouts(t *testing.T) {
	root := sitetest.Basic(t)
	sitetest.Apply(t, root, map[string]string{"config.toml": "title = \"T\"\n[search]\nenabled = true\n"})
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	site, err := content.Load(context.Background(), content.Options{Root: root, Taxonomies: cfg.TaxonomyNames()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	full, err := LoadTheme(root, cfg, Extra{})
	if err != nil {
		t.Fatal(err)
	}
	all := GeneratedURLs(site, cfg, full, nil)
	for _, u := range []string{"/404.html", "/search/", "/tags/", "/robots.txt", "/sitemap.xml", "/atom.xml"} {
		if !all[u] {
			t.Errorf("full theme: %s not generated", u)
		}
	}
	layouts := filepath.Join(root, "themes", "default", "layouts")
	for _, l := range []string{"404", "search", "taxonomy", "term"} {
		if err := os.Remove(filepath.Join(layouts, l+".html")); err != nil {
			t.Fatal(err)
		}
	}
	slim, err := LoadTheme(root, cfg, Extra{})
	if err != nil {
		t.Fatalf("a theme without optional layouts: %v", err)
	}
	got := GeneratedURLs(site, cfg, slim, nil)
	for u := range got {
		if u == "/404.html" || u == "/search/" || strings.HasPrefix(u, "/tags/") || strings.HasPrefix(u, "/audiences/") {
			t.Errorf("%s generated without its layout", u)
		}
	}
	if !got["/robots.txt"] || !got["/sitemap.xml"] {
		t.Errorf("file outputs missing: %v", got)
	}
	var w memWriter
	if ds := Site(context.Background(), site, cfg, slim, &w, Options{Workers: 2}); len(ds) > 0 {
		t.Fatal(ds)
	}
	for rel := range w.files {
		if rel == "404.html" || strings.HasPrefix(rel, "tags/") || strings.HasPrefix(rel, "search/") {
			t.Errorf("%s rendered without its layout", rel)
		}
	}
	if _, ok := w.files["guide-a/first/index.html"]; !ok {
		t.Error("content pages not rendered")
	}

	if err := os.Remove(filepath.Join(layouts, "page.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTheme(root, cfg, Extra{}); err == nil || !strings.Contains(err.Error(), "themes/default/layouts/page.html") {
		t.Errorf("missing page.html: %v", err)
	}
}

// memWriter keeps written files in memory; safe for concurrent use.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(rel string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[rel] = data
	return nil
}

func (m *memWriter) CopyFile(rel, src string) error { return m.WriteFile(rel, nil) }
