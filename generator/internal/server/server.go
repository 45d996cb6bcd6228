// Package server serves a built site over HTTP for local preview: only files
// of the output folder, never anything outside it, with correct content types
// and the site's 404 page for missing paths.
package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

func init() {
	// Make content types independent of the machine's mime database.
	for ext, t := range map[string]string{
		".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
		".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
		".json": "application/json", ".xml": "application/xml; charset=utf-8",
		".svg": "image/svg+xml", ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8",
		".pdf": "application/pdf", ".webmanifest": "application/manifest+json",
	} {
		_ = mime.AddExtensionType(ext, t)
	}
}

// Handler serves files from a folder.
type Handler struct {
	root   string
	inject []byte // added to HTML pages before </head>
}

// New returns a handler serving the folder root.
func New(root string) *Handler { return &Handler{root: root} }

// Inject returns a handler that adds tag to every HTML page it sends, before
// </head> (the preview server's live-reload script).
func (h *Handler) Inject(tag string) *Handler {
	c := *h
	c.inject = []byte(tag)
	return &c
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	full, ok := h.resolve(r.URL.Path)
	if !ok {
		h.notFound(w, r)
		return
	}
	st, err := os.Stat(full)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		full = filepath.Join(full, "index.html")
		if st, err = os.Stat(full); err != nil || !st.Mode().IsRegular() {
			h.notFound(w, r)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	if h.inject != nil {
		// Preview: files change many times a second, so validators are
		// ETags of the exact version, never Last-Modified (whole seconds).
		if strings.HasSuffix(full, ".html") {
			data, err := os.ReadFile(full)
			if err != nil {
				h.notFound(w, r)
				return
			}
			data = h.addTag(data)
			sum := sha256.Sum256(data)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
			http.ServeContent(w, r, full, time.Time{}, bytes.NewReader(data))
			return
		}
		f, err := os.Open(full)
		if err != nil {
			h.notFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, st.Size(), st.ModTime().UnixNano()))
		http.ServeContent(w, r, full, time.Time{}, f)
		return
	}
	// Serve a pre-compressed copy (name.br, name.gz) when the client takes it.
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(accept, enc.token) {
			continue
		}
		if st, err := os.Stat(full + enc.ext); err == nil && st.Mode().IsRegular() {
			if ct := mime.TypeByExtension(filepath.Ext(full)); ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.Header().Set("Content-Encoding", enc.token)
			w.Header().Add("Vary", "Accept-Encoding")
			http.ServeFile(w, r, full+enc.ext)
			return
		}
	}
	w.Header().Add("Vary", "Accept-Encoding")
	http.ServeFile(w, r, full)
}

// acceptsEncoding reports whether an Accept-Encoding header allows token.
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
	}
	return false
}

// resolve maps a URL path to a file inside root, refusing anything that
// would leave it (dot segments, encoded slashes, symbolic links out).
func (h *Handler) resolve(urlPath string) (string, bool) {
	if strings.Contains(urlPath, "\x00") || strings.Contains(urlPath, "\\") {
		return "", false
	}
	for _, seg := range strings.Split(urlPath, "/") {
		if seg == ".." {
			return "", false
		}
	}
	clean := path.Clean("/" + urlPath)
	full := filepath.Join(h.root, filepath.FromSlash(clean))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return full, !os.IsPermission(err)
	}
	rootReal, err := filepath.EvalSymlinks(h.root)
	if err != nil {
		return "", false
	}
	if real != rootReal && !strings.HasPrefix(real, rootReal+string(filepath.Separator)) {
		return "", false
	}
	return real, true
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	data, err := os.ReadFile(filepath.Join(h.root, "404.html"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(h.addTag(data))
}

// addTag inserts the injected tag before </head> (or at the start).
func (h *Handler) addTag(page []byte) []byte {
	if h.inject == nil {
		return page
	}
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		i = 0
	}
	out := make([]byte, 0, len(page)+len(h.inject))
	out = append(out, page[:i]...)
	out = append(out, h.inject...)
	return append(out, page[i:]...)
}
