package filecopy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLink(t *testing.T) {
	for _, c := range []struct{ dir, u, base, want string }{
		{"", "/", "/", "index.html"},
		{"", "/guide/", "/", "guide/index.html"},
		{"guide/x/", "/", "/", "../../index.html"},
		{"guide/x/", "/guide/y/#part", "/", "../y/index.html#part"},
		{"guide/x/", "/guide/x/#a", "/", "index.html#a"},
		{"guide/x/", "/search/?q=vetting", "/", "../../search/index.html?q=vetting"},
		{"guide/x/", "/assets/css/main.css", "/", "../../assets/css/main.css"},
		{"guide/x/", "/guide/guide.pdf", "/", "../guide.pdf"},
		{"guide/x/", "../y/", "/", "../y/index.html"},
		{"guide/x/", "img.png", "/", "img.png"},
		{"guide/x/", "./", "/", "index.html"},
		{"guide/x/", "..", "/", "../index.html"},
		{"guide/x/", "#top", "/", "#top"},
		{"guide/x/", "?q=a", "/", "?q=a"},
		{"guide/x/", "https://example.org/", "/", "https://example.org/"},
		{"guide/x/", "mailto:a@example.org", "/", "mailto:a@example.org"},
		{"guide/x/", "//cdn.example.org/x.js", "/", "//cdn.example.org/x.js"},
		{"guide/x/", "data:image/png;base64,AA", "/", "data:image/png;base64,AA"},
		// Under a base path: site paths outside it are not the site's.
		{"guide/", "/kb/guide/x/", "/kb/", "x/index.html"},
		{"guide/", "/kb/", "/kb/", "../index.html"},
		{"guide/", "/kb", "/kb/", "../index.html"},
		{"guide/", "/other/", "/kb/", "/other/"},
		{"guide/", "/kbx/", "/kb/", "/kbx/"},
	} {
		if got := Link(c.dir, c.u, c.base); got != c.want {
			t.Errorf("Link(%q, %q, %q) = %q, want %q", c.dir, c.u, c.base, got, c.want)
		}
	}
}

func TestRewriteHTML(t *testing.T) {
	page := `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/assets/css/main.css" integrity="sha384-x">
<link rel="canonical" href="https://example.org/guide/x/">
<meta http-equiv="refresh" content="0; url=/guide/y/">
</head><body>
<a class=skip href=#main>Skip</a>
<form id="site-search" action="/search/" data-load="fetch" data-index="/search-index/i.json">
<input type="search" name="q"></form>
<p class="dl" data-offline-copy="omit"><a href="/kb.zip">Offline copy <span>(KB)</span></a> <span>x</span></p>
<p>Kept <img src="/guide/fig.png" srcset="/guide/fig.png 1x, /guide/fig@2x.png 2x" alt=""> <a href="../../glossary/#vep">VEP</a></p>
<noscript><p>See <a href="/tags/">the tags</a>.</p></noscript>
<script src="/assets/js/search.js" integrity="sha384-y" defer></script>
</body></html>`
	got := string(RewriteHTML("guide/x/index.html", []byte(page), "/"))
	for _, want := range []string{
		`<link rel="stylesheet" href="../../assets/css/main.css">`,
		`<link rel="canonical" href="https://example.org/guide/x/">`,
		`<meta http-equiv="refresh" content="0; url=../y/index.html">`,
		`<a class=skip href=#main>`, // unchanged tags are copied byte for byte
		`<form id="site-search" action="../../search/index.html" data-load="script" data-index="/search-index/i.json" data-root="../../">`,
		`<img src="../fig.png" srcset="../fig.png 1x, ../fig@2x.png 2x" alt="">`,
		`<a href="../../glossary/index.html#vep">VEP</a>`,
		`<script src="../../assets/js/search.js" defer></script>`,
		"<p>Kept",
		`<noscript><p>See <a href="../../tags/index.html">the tags</a>.</p></noscript>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	for _, gone := range []string{"Offline copy", "kb.zip", "<span>x</span>", "integrity"} {
		if strings.Contains(got, gone) {
			t.Errorf("%q is still in\n%s", gone, got)
		}
	}
	// A page with nothing to change is returned as it was.
	plain := `<p>Hello <b>world</b> &amp; <a href="#x">more</a></p>`
	if got := string(RewriteHTML("index.html", []byte(plain), "/")); got != plain {
		t.Errorf("got %q", got)
	}
}

func TestWrap(t *testing.T) {
	js, ok := Wrap("search/i.json", []byte("{\"a\":1}\n"))
	if !ok || string(js) != "kbFile({\"a\":1});\n" {
		t.Errorf("json: %q %v", js, ok)
	}
	bin := []byte{0, 1, 2, 250, 251}
	js, ok = Wrap("search/p.kbx", bin)
	if !ok || string(js) != `kbFile("`+base64.StdEncoding.EncodeToString(bin)+`","base64");`+"\n" {
		t.Errorf("kbx: %q %v", js, ok)
	}
	if _, ok := Wrap("assets/js/search.js", []byte("x")); ok {
		t.Error("a script was wrapped")
	}
}

func TestZip(t *testing.T) {
	src := filepath.Join(t.TempDir(), "fig.png")
	if err := os.WriteFile(src, []byte("png bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(order []string) []byte {
		c := New(Options{Folder: "kb-offline", Base: "/", Modified: time.Date(2026, 11, 30, 10, 20, 30, 0, time.UTC),
			Skip: func(rel string) bool { return strings.HasSuffix(rel, ".br") }})
		files := map[string]string{
			"index.html":          `<a href="/guide/">Guide</a>` + strings.Repeat(" ", 100),
			"guide/index.html":    `<a href="/">Home</a>`,
			"search/i.json":       `{"pages":3}`,
			"search/e.wasm":       "\x00asm",
			"guide/index.html.br": "compressed",
			"é/index.html":        "<p>accent</p>",
		}
		for _, rel := range order {
			if err := c.Add(rel, []byte(files[rel])); err != nil {
				t.Fatal(err)
			}
		}
		c.AddFile("guide/fig.png", src)
		data, err := c.Zip(context.Background(), 2)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a := build([]string{"index.html", "guide/index.html", "search/i.json", "search/e.wasm", "guide/index.html.br", "é/index.html"})
	b := build([]string{"é/index.html", "search/e.wasm", "guide/index.html.br", "search/i.json", "guide/index.html", "index.html"})
	if !bytes.Equal(a, b) {
		t.Error("the archive depends on the order files were added")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got[f.Name] = string(data)
		if m := f.Modified; m.Year() != 2026 || m.Month() != 11 || m.Day() != 30 {
			t.Errorf("%s: time %v", f.Name, m)
		}
	}
	want := []string{"kb-offline/guide/fig.png", "kb-offline/guide/index.html", "kb-offline/index.html",
		"kb-offline/search/e.wasm.js", "kb-offline/search/i.json.js", "kb-offline/é/index.html"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if s := got["kb-offline/index.html"]; !strings.HasPrefix(s, `<a href="guide/index.html">`) {
		t.Errorf("index.html: %q", s)
	}
	if s := got["kb-offline/guide/fig.png"]; s != "png bytes" {
		t.Errorf("fig.png: %q", s)
	}
	if s := got["kb-offline/search/i.json.js"]; s != "kbFile({\"pages\":3});\n" {
		t.Errorf("i.json.js: %q", s)
	}
}

func TestZipStops(t *testing.T) {
	c := New(Options{Folder: "x"})
	c.AddFile("a.png", "/nonexistent")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Zip(ctx, 1); err == nil {
		t.Error("no error from a cancelled zip")
	}
	if _, err := New(Options{Folder: "x"}).Zip(context.Background(), 1); err != nil {
		t.Errorf("empty copy: %v", err)
	}
	c = New(Options{Folder: "x"})
	c.AddFile("a.png", "/nonexistent")
	if _, err := c.Zip(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "nonexistent") {
		t.Errorf("unreadable file: %v", err)
	}
}
