package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vepkb/generator/internal/sitetest"
)

func TestServe(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "site")
	files := map[string]string{
		"index.html":          "<p>home</p>",
		"guide/index.html":    "<p>guide</p>",
		"404.html":            "<p>not here</p>",
		"assets/css/main.css": "body{}",
		"assets/app.wasm":     "\x00asm",
		"sitemap.xml":         "<urlset/>",
	}
	sitetest.Apply(t, root, files)
	if err := os.WriteFile(filepath.Join(base, "secret.toml"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "secret.toml"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	h := New(root)
	tests := []struct {
		method, path string
		code         int
		ctype, body  string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "home"},
		{"GET", "/guide/", 200, "text/html", "guide"},
		{"GET", "/guide", 301, "", ""},
		{"GET", "/assets/css/main.css", 200, "text/css; charset=utf-8", "body{}"},
		{"GET", "/assets/app.wasm", 200, "application/wasm", ""},
		{"GET", "/sitemap.xml", 200, "application/xml", ""},
		{"GET", "/missing/", 404, "text/html; charset=utf-8", "not here"},
		{"GET", "/../secret.toml", 404, "", "not here"},
		{"GET", "/%2e%2e/secret.toml", 404, "", "not here"},
		{"GET", "/guide/%2e%2e%2f%2e%2e%2fsecret.toml", 404, "", "not here"},
		{"GET", "/link.txt", 404, "", "not here"},
		{"GET", "/..%5csecret.toml", 404, "", "not here"},
		{"POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://127.0.0.1"+tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Fatalf("code %d, want %d (%s)", rec.Code, tt.code, rec.Body.String())
			}
			if tt.ctype != "" && !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
				t.Errorf("content type %q, want %q", rec.Header().Get("Content-Type"), tt.ctype)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q lacks %q", rec.Body.String(), tt.body)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Error("served a file outside the site")
			}
		})
	}
}

func TestRealHTTPServer(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.html"), []byte("ok"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(root))
	defer srv.Close()
	// A raw path with dot segments, as a hostile client would send it.
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.URL.Opaque = "/../../etc/passwd"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Error("dot-segment path served")
	}
}

func TestPrecompressed(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{"a.wasm": "raw", "a.wasm.br": "brotli", "a.wasm.gz": "gzip", "b.js": "plain"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := New(root)
	for _, tt := range []struct{ path, accept, body, enc string }{
		{"/a.wasm", "gzip, deflate, br", "brotli", "br"},
		{"/a.wasm", "gzip", "gzip", "gzip"},
		{"/a.wasm", "br;q=0, gzip", "gzip", "gzip"},
		{"/a.wasm", "", "raw", ""},
		{"/b.js", "br", "plain", ""},
	} {
		req := httptest.NewRequest("GET", tt.path, nil)
		req.Header.Set("Accept-Encoding", tt.accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Body.String() != tt.body || rec.Header().Get("Content-Encoding") != tt.enc {
			t.Errorf("%s with %q: %q encoding %q", tt.path, tt.accept, rec.Body.String(), rec.Header().Get("Content-Encoding"))
		}
		if tt.path == "/a.wasm" && rec.Header().Get("Content-Type") != "application/wasm" {
			t.Errorf("content type %q", rec.Header().Get("Content-Type"))
		}
	}
}
