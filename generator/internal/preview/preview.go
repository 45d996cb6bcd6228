// Package preview is the editors' preview server: it builds the site into a
// private folder, serves it, watches the sources, rebuilds what each save
// changed and tells the open pages (live reload, stylesheet swaps, an error
// overlay). Content, layout and configuration errors never stop it: pages
// keep the last good build and show the errors until they are fixed.
package preview

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/incremental"
	"vepkb/generator/internal/livereload"
	"vepkb/generator/internal/pdf"
	"vepkb/generator/internal/server"
	"vepkb/generator/internal/site"
	"vepkb/generator/internal/watch"
)

// Options configure a preview server.
type Options struct {
	Site     site.Options // Root, ContentDir, Drafts, Warn, Info; Dest and BaseURL are set here
	Listener net.Listener
	Log      io.Writer     // one line per rebuild, and warnings
	Quiet    time.Duration // how long a burst of file events must be quiet (0: the watcher's default)
}

// Server is a running preview.
type Server struct {
	opt     Options
	base    string
	tmp     string
	session *incremental.Session
	hub     *livereload.Hub
	watcher *watch.Watcher
	http    *http.Server
	search  chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex // serialises log lines
	served  chan error
}

// Start builds the site and starts serving and watching. A first build that
// fails is served as a page showing its errors.
func Start(opt Options) (*Server, error) {
	addr := opt.Listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	s := &Server{opt: opt, base: "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port)) + "/",
		hub: livereload.NewHub(), search: make(chan struct{}, 1), done: make(chan struct{}), served: make(chan error, 1)}
	tmp, err := os.MkdirTemp("", "kb-serve-")
	if err != nil {
		return nil, err
	}
	s.tmp = tmp
	so := opt.Site
	so.Dest = filepath.Join(tmp, "site")
	so.BaseURL = s.base
	s.session = incremental.NewSession(so)

	root, err := filepath.Abs(so.Root)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.watcher, err = watch.New(watch.Options{
		Dirs: []string{so.ContentPath(), filepath.Join(root, "themes"), filepath.Join(root, "layouts"),
			filepath.Join(root, "assets"), filepath.Join(root, "static"), filepath.Join(root, "i18n")},
		Files: []string{filepath.Join(root, "config.toml")},
		Skip:  []string{filepath.Join(root, "public")},
		Quiet: opt.Quiet,
	})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}

	start := time.Now()
	up, err := s.session.Rebuild(nil)
	if err != nil {
		s.hub.Errors(err)
		s.printErrors(err)
		if werr := s.placeholder(); werr != nil {
			s.Close()
			return nil, werr
		}
	} else {
		s.logf("built %d pages in %s", up.Rendered, time.Since(start).Round(time.Millisecond))
		s.queueSearch()
	}

	handler := server.New(so.Dest).Inject(livereload.Tag)
	mux := http.NewServeMux()
	mux.Handle(livereload.EventsPath, s.hub)
	mux.Handle(livereload.ScriptPath, s.hub)
	// The preview never works offline (it must not fight live reload): a
	// service worker that an earlier build registered on this address is
	// replaced by one that removes itself and its copy.
	mux.HandleFunc("/sw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, previewServiceWorker)
	})
	mux.Handle("/", s.printable(handler))
	s.http = &http.Server{Handler: guard(mux), ReadHeaderTimeout: 10 * time.Second}
	go func() { s.served <- s.http.Serve(opt.Listener) }()
	s.wg.Add(2)
	go s.rebuildLoop()
	go s.searchLoop()
	return s, nil
}

// previewServiceWorker unregisters itself and drops the offline copy.
const previewServiceWorker = `self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("kb-offline-") === 0; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.registration.unregister(); }));
});
`

// printable answers requests for print views and PDFs, which the preview
// makes when they are asked for, and hands the rest to next.
func (s *Server) printable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead || !strings.HasSuffix(r.URL.Path, ".pdf") && !strings.Contains(r.URL.Path, "/print/") {
			next.ServeHTTP(w, r)
			return
		}
		// The preview serves the site at its root (its base URL is its own).
		data, ctype, ok, err := s.session.Print(r.Context(), r.URL.Path)
		switch {
		case !ok:
			next.ServeHTTP(w, r)
		case errors.Is(err, pdf.ErrNoBrowser):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>PDF not available</title><main><h1>This preview cannot make PDFs</h1><p>%s</p><p>The rest of the preview works without it.</p></main></html>", html.EscapeString(err.Error()))
		case err != nil:
			s.logf("PDF %s: %v", r.URL.Path, err)
			http.Error(w, "cannot make this PDF: "+err.Error(), http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Cache-Control", "no-store")
			w.Write(data)
		}
	})
}

// guard refuses requests that name another host than this server's when it
// listens on a loopback address (DNS rebinding).
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !livereload.SameOrigin(r) {
			http.Error(w, "forbidden: this preview answers pages of its own address only", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// URL returns the address pages are served at.
func (s *Server) URL() string { return s.base }

// Dest returns the folder the site is built into.
func (s *Server) Dest() string { return s.session.Dest() }

// Hub returns the live-reload hub.
func (s *Server) Hub() *livereload.Hub { return s.hub }

// Wait blocks until ctx is done (it then returns nil) or the HTTP server
// stops by itself (it returns why, or nil when it was closed).
func (s *Server) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// Close stops serving and watching and removes the build folder.
func (s *Server) Close() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	close(s.done)
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = s.http.Shutdown(ctx)
		cancel()
	}
	s.watcher.Close()
	s.wg.Wait()
	s.session.Close()
	return os.RemoveAll(s.tmp)
}

func (s *Server) rebuildLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case err := <-s.watcher.Errors():
			s.logf("warning: %v", err)
		case b := <-s.watcher.Batches():
			paths := b.Paths
			if b.Overflow {
				// Events were lost: rebuild everything.
				paths = append(paths, filepath.Join(s.opt.Site.Root, "config.toml"))
			}
			s.rebuild(paths)
		}
	}
}

// rebuild runs one rebuild and tells pages and the terminal.
func (s *Server) rebuild(paths []string) {
	what := s.describe(paths)
	up, err := s.session.Rebuild(paths)
	if err != nil {
		s.hub.Errors(err)
		n := len(diag.As(err))
		if n == 0 {
			n = 1
		}
		s.logf("%s: build failed (%d %s; the preview keeps the last good build)", what, n, plural(n, "error", "errors"))
		s.printErrors(err)
		return
	}
	switch {
	case up.CSSOnly:
		href, integrity := s.session.CSS()
		s.hub.CSS(href, integrity)
	case otherFiles(up.Files):
		s.hub.Reload(up.Changed, true)
	case len(up.Changed) > 0:
		s.hub.Reload(up.Changed, false)
	default:
		s.hub.OK()
	}
	if up.Search {
		s.queueSearch()
	}
	kind := ""
	if up.Full {
		kind = ", full rebuild"
	}
	s.logf("%s: %d %s rendered, %d changed%s, %d ms", what, up.Rendered, plural(up.Rendered, "page", "pages"),
		len(up.Changed), kind, up.Duration.Milliseconds())
}

// otherFiles reports whether files that pages may show (images, scripts)
// changed, rather than only pages and site-wide lists.
func otherFiles(files []string) bool {
	for _, f := range files {
		switch {
		case f == "sitemap.xml", f == "atom.xml", f == "robots.txt", strings.HasSuffix(f, ".css"):
		default:
			return true
		}
	}
	return false
}

func (s *Server) describe(paths []string) string {
	if len(paths) == 0 {
		return "rebuild"
	}
	rel, err := filepath.Rel(s.opt.Site.Root, paths[0])
	if err != nil {
		rel = paths[0]
	}
	rel = filepath.ToSlash(rel)
	if len(paths) == 1 {
		return rel
	}
	return fmt.Sprintf("%s and %d more", rel, len(paths)-1)
}

func (s *Server) queueSearch() {
	select {
	case s.search <- struct{}{}:
	default: // one is queued already
	}
}

// searchLoop rebuilds the preview's search index after content changes,
// apart from page rebuilds, which never wait for it.
func (s *Server) searchLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case <-s.search:
			if err := s.session.BuildSearch(func(f string, a ...any) { s.logf(f, a...) }); err != nil {
				s.logf("search index: %v", err)
			}
		}
	}
}

// placeholder writes a page for a first build that failed: the injected
// script shows the errors over it.
func (s *Server) placeholder() error {
	dir := s.session.Dest()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	page := "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>" +
		"<body><h1>The site could not be built</h1><p>Fix the errors listed; this page updates when you save.</p></body></html>\n"
	for _, name := range []string{"index.html", "404.html"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) logf(format string, a ...any) {
	if s.opt.Log == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.opt.Log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}

func (s *Server) printErrors(err error) {
	if s.opt.Log == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ds := diag.As(err)
	if len(ds) == 0 {
		fmt.Fprintf(s.opt.Log, "  %v\n", err)
		return
	}
	for _, d := range ds {
		fmt.Fprintf(s.opt.Log, "  %s\n", d.Error())
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
