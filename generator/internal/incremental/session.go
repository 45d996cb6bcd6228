// Package incremental rebuilds a site again and again into one folder that a
// server is serving, for the editors' preview: it decides from the changed
// paths what an edit can affect (change classification and the
// affected-page rules), renders only those pages, and writes only files
// whose bytes changed, each replaced atomically.
package incremental

import (
	"bytes"
	"context"
	"crypto/sha256"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/search"
	"vepkb/generator/internal/site"
)

// Session rebuilds a site again and again into one output folder, for the
// preview server: each rebuild reuses what the last one parsed and
// rendered, renders only the pages an edit can have changed, and writes only
// files whose bytes changed (each replaced atomically, so a server reading
// the folder never sees half a file). A failed rebuild leaves the folder as
// the last good build made it.
type Session struct {
	opt       site.Options
	cache     *site.Cache
	out       *syncWriter
	searchOut *syncWriter // the search files, written apart from pages
	searchMu  sync.Mutex

	mu   sync.Mutex   // one rebuild at a time
	last *site.Loaded // the last good build
	gen  int          // counts good builds

	// PDFs and print views, made when asked for (see Print).
	pdfMu   sync.Mutex
	printer *site.Printer
	filled  *site.Loaded // the build whose print documents are filled
	pdfs    map[string]pdfEntry
}

// Update tells what a rebuild did.
type Update struct {
	Full     bool          // every page was rendered (first build, config, layouts, assets, files added or moved)
	Rendered int           // pages rendered
	Changed  []string      // site paths of HTML pages whose bytes changed, sorted
	Files    []string      // other output files that changed (slash paths relative to the output)
	CSSOnly  bool          // only stylesheets changed: pages can swap them without reloading
	Duration time.Duration //
	Search   bool          // the search index needs rebuilding (content changed)
}

// NewSession prepares rebuilds of opt.Root into opt.Dest, which it owns.
func NewSession(opt site.Options) *Session {
	c := &site.Cache{}
	opt.Cache = c
	return &Session{opt: opt, cache: c, out: newSyncWriter(opt.Dest), searchOut: newSyncWriter(opt.Dest)}
}

// Dest returns the output folder.
func (s *Session) Dest() string { return s.opt.Dest }

// Rebuild builds the site again after the files at paths changed (any paths;
// nil for the first build). It returns the diagnostics of a failed build as
// its error, leaving the output as it was.
func (s *Session) Rebuild(paths []string) (*Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	kind := s.classify(paths)
	if s.last != nil && kind.contentOnly() {
		// Trust the watcher: only the files it named are read again.
		changed := map[string]bool{}
		for _, rel := range kind.contentRels {
			changed[rel] = true
		}
		s.cache.Only(changed)
	} else {
		s.cache.All()
	}
	l, err := site.Load(context.Background(), s.opt)
	if err != nil {
		// The next build reads configuration and layouts again: the error
		// may be in them.
		s.cache.ForgetTheme()
		return nil, err
	}
	up := &Update{}
	opts := render.Options{Workers: site.Workers(l.Config), SiteFiles: true, PDFs: site.PDFFiles(l.Prints)}
	if l.Config.SearchEnabled() {
		opts.Search = search.PreviewFiles
	}
	if s.last == nil || kind.full || kind.assets || l.EnvChanged() {
		up.Full = true
	} else {
		var all bool
		opts.Only, all = affected(s.last.Content, l.Content)
		if all {
			up.Full, opts.Only = true, nil
		}
	}
	up.Search = up.Full || len(opts.Only) > 0
	s.out.begin()
	ds := render.Site(context.Background(), l.Content, l.Config, l.Theme, s.out, opts)
	ds = append(ds, site.CopyStatic(context.Background(), l, s.out, opts.Workers)...)
	if len(ds) > 0 {
		s.out.abort()
		s.cache.ForgetTheme()
		return nil, &diag.Errors{Items: ds}
	}
	changed, err := s.out.commit(up.Full)
	if err != nil {
		return nil, err
	}
	if up.Full {
		up.Rendered = len(l.Content.Pages)
	} else {
		up.Rendered = len(opts.Only)
	}
	for _, rel := range changed {
		if strings.HasSuffix(rel, ".html") {
			u := "/" + strings.TrimSuffix(rel, "index.html")
			up.Changed = append(up.Changed, u)
		} else {
			up.Files = append(up.Files, rel)
		}
	}
	// A stylesheet edit changes every page only by the stylesheet's
	// fingerprinted name: the open pages can swap it in place.
	up.CSSOnly = kind.assets && !kind.full && !kind.content && kind.cssOnly && len(up.Files) > 0
	if up.CSSOnly {
		up.Search = false
	}
	s.last = l
	s.gen++
	up.Duration = time.Since(start)
	return up, nil
}

// BuildSearch writes the search engine and index for the last good build
// (fixed names; see Options.Preview). It may run while pages are served.
func (s *Session) BuildSearch(logf func(string, ...any)) error {
	s.mu.Lock()
	l := s.last
	s.mu.Unlock()
	if l == nil || !l.Config.SearchEnabled() {
		return nil
	}
	s.searchMu.Lock()
	defer s.searchMu.Unlock()
	w := s.searchOut
	w.begin()
	if _, ds := search.Publish(context.Background(), l.Content, l.Config, w, search.PublishOptions{Workers: site.Workers(l.Config), Logf: logf, Preview: true}); len(ds) > 0 {
		w.abort()
		return &diag.Errors{Items: ds}
	}
	_, err := w.commit(true)
	return err
}

// CSS returns the site path and integrity of the main stylesheet of the last
// build.
func (s *Session) CSS() (url, integrity string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return "", ""
	}
	for _, a := range s.last.Theme.Assets() {
		if strings.HasSuffix(a.Name, ".css") {
			return s.last.Config.RelURL(a.URL), a.Integrity
		}
	}
	return "", ""
}

// changeKind sorts changed paths by what they can affect.
type changeKind struct {
	full    bool // configuration or layouts: everything
	assets  bool // files under assets/ (fingerprinted into every page)
	cssOnly bool // every asset changed is a stylesheet
	content bool // content files, or static files
	static  bool // static files (the theme lists them)

	contentRels []string // changed paths in the content folder, relative to it
}

// contentOnly reports whether only files in the content folder changed.
func (k changeKind) contentOnly() bool { return k.content && !k.full && !k.assets && !k.static }

func (s *Session) classify(paths []string) changeKind {
	k := changeKind{cssOnly: true}
	root, _ := filepath.Abs(s.opt.Root)
	contentDir := s.opt.ContentPath()
	for _, p := range paths {
		abs, _ := filepath.Abs(p)
		if rel, err := filepath.Rel(contentDir, abs); err == nil && !strings.HasPrefix(rel, "..") {
			k.content = true
			k.contentRels = append(k.contentRels, filepath.ToSlash(rel))
			continue
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			k.full = true
			continue
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if parts[0] == "themes" && len(parts) > 2 {
			parts = parts[2:]
		}
		switch parts[0] {
		case "assets":
			k.assets = true
			if path.Ext(p) != ".css" {
				k.cssOnly = false
			}
		case "static":
			k.content, k.static = true, true // copied like files beside content
		default:
			k.full = true // config.toml, layouts, anything else
		}
	}
	return k
}

// affected returns the site paths of the pages whose output may differ
// between two builds of the same layouts and configuration, or all when the
// tree itself changed (pages added, removed, moved, drafts toggled, aliases
// or the front matter of the home page, a guide or a top-level page edited).
// The rules follow what layouts show of other pages: the guide's navigation
// (titles and order of its pages), listings in sections and term pages
// (titles, summaries, reading time in minutes), taxonomy pages; tests check the result
// against full builds.
func affected(prev, cur *content.Site) (only map[string]bool, all bool) {
	if len(prev.Pages) != len(cur.Pages) || !maps.Equal(prev.Drafts, cur.Drafts) {
		return nil, true
	}
	only = map[string]bool{}
	for _, p := range cur.Pages {
		old := prev.BySource[p.Rel]
		if old == nil || old.URL != p.URL {
			return nil, true
		}
		metaChanged := !site.SameMeta(old.Meta, p.Meta)
		bodyChanged := !bytes.Equal(old.Body, p.Body)
		if !metaChanged && !bodyChanged && docSame(old.Doc, p.Doc) {
			continue
		}
		if metaChanged && (p.Depth <= 1 || !slices.Equal(old.Meta.Aliases, p.Meta.Aliases)) {
			return nil, true
		}
		only[p.URL] = true
		listed := metaChanged || old.Doc == nil || p.Doc == nil || old.Doc.Excerpt != p.Doc.Excerpt || content.ReadingMinutes(old.Doc.Words) != content.ReadingMinutes(p.Doc.Words)
		if !listed {
			continue
		}
		// Sections and term pages list the page; its guide's pages show it
		// in their navigation when its title or order changed.
		for a := p.Parent; a != nil; a = a.Parent {
			only[a.URL] = true
		}
		for _, t := range cur.Taxonomies {
			only[t.URL] = true
			for _, term := range t.Terms {
				only[term.URL] = true
			}
		}
		if metaChanged && p.Guide != nil {
			for _, q := range cur.Pages {
				if q.Guide == p.Guide {
					only[q.URL] = true
				}
			}
		}
	}
	return only, false
}

// docSame reports whether two renders of a page's Markdown are the same.
func docSame(a, b *content.Doc) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.HTML == b.HTML && a.Excerpt == b.Excerpt && a.Words == b.Words
}

// syncWriter writes a build into a folder that is being served: files whose
// bytes did not change are left alone, others are written to a temporary
// file and renamed into place. It remembers a hash of every file it wrote.
type syncWriter struct {
	root string

	mu      sync.Mutex
	hashes  map[string][32]byte // files in the folder, by slash path
	pending map[string][]byte   // this build's changed files
	seen    map[string]bool     // this build's files, changed or not
}

func newSyncWriter(root string) *syncWriter {
	return &syncWriter{root: root, hashes: map[string][32]byte{}}
}

func (w *syncWriter) begin() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending, w.seen = map[string][]byte{}, map[string]bool{}
}

func (w *syncWriter) abort() { w.begin() }

// WriteFile implements render.Writer; nothing reaches the folder before commit.
func (w *syncWriter) WriteFile(rel string, data []byte) error {
	rel = path.Clean("/" + rel)[1:]
	sum := sha256.Sum256(data)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen[rel] = true
	if old, ok := w.hashes[rel]; ok && old == sum {
		delete(w.pending, rel)
		return nil
	}
	w.pending[rel] = append([]byte(nil), data...)
	return nil
}

// CopyFile implements render.Writer.
func (w *syncWriter) CopyFile(rel, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return w.WriteFile(rel, data)
}

// commit writes the changed files into place and, when prune is set,
// removes files this build did not produce. It returns the changed paths.
func (w *syncWriter) commit(prune bool) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	changed := slices.Collect(maps.Keys(w.pending))
	// Files that name others (pages, the search manifest) go last, so that
	// a reader never finds a name whose file is not there yet.
	entry := func(rel string) bool { return strings.HasSuffix(rel, ".html") || path.Base(rel) == "index.json" }
	sort.Slice(changed, func(i, j int) bool {
		if a, b := entry(changed[i]), entry(changed[j]); a != b {
			return b
		}
		return changed[i] < changed[j]
	})
	for _, rel := range changed {
		data := w.pending[rel]
		full := filepath.Join(w.root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		tmp := full + ".kbtmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, full); err != nil {
			return nil, err
		}
		w.hashes[rel] = sha256.Sum256(data)
	}
	if prune {
		var gone []string
		for rel := range w.hashes {
			if !w.seen[rel] && !strings.HasPrefix(rel, search.Dir) && !strings.HasPrefix(rel, "assets/search/") {
				gone = append(gone, rel)
			}
		}
		sort.Strings(gone)
		for _, rel := range gone {
			_ = os.Remove(filepath.Join(w.root, filepath.FromSlash(rel)))
			delete(w.hashes, rel)
			changed = append(changed, rel)
		}
	}
	w.pending = map[string][]byte{}
	return changed, nil
}

type pdfEntry struct {
	gen  int
	data []byte
}

// Print answers a request for a print view (or its style sheet) or a PDF of
// the last good build, made on request (PDFs with a browser started the
// first time one is asked for, kept for the session, and made again after
// each rebuild): they never slow down rebuilds. It returns ok false when u
// is not such a path. An error from a missing browser is pdf.ErrNoBrowser.
func (s *Session) Print(ctx context.Context, u string) (data []byte, contentType string, ok bool, err error) {
	s.mu.Lock()
	l, gen := s.last, s.gen
	s.mu.Unlock()
	if l == nil {
		return nil, "", false, nil
	}
	pr, isPDF, perr := l.PrintFor(u)
	if perr != nil {
		return nil, "", false, nil
	}
	s.pdfMu.Lock()
	defer s.pdfMu.Unlock()
	if s.filled != l {
		l.FillPrints()
		s.filled = l
	}
	sd := render.NewSiteData(l.Content, l.Config, render.Options{PDFs: site.PDFFiles(l.Prints)})
	if !isPDF {
		if strings.HasSuffix(u, ".css") {
			return pr.PageCSS(l.Theme), "text/css; charset=utf-8", true, nil
		}
		html, err := l.Theme.RenderPrint(sd, pr)
		return html, "text/html; charset=utf-8", true, err
	}
	if e, ok := s.pdfs[pr.Key]; ok && e.gen == gen {
		return e.data, "application/pdf", true, nil
	}
	if s.printer == nil {
		if s.printer, err = site.NewPrinter(context.Background(), l); err != nil {
			return nil, "", true, err
		}
	}
	s.printer.Use(l)
	data, _, err = s.printer.Make(ctx, pr, sd)
	if err != nil {
		return nil, "", true, err
	}
	if s.pdfs == nil {
		s.pdfs = map[string]pdfEntry{}
	}
	s.pdfs[pr.Key] = pdfEntry{gen, data}
	return data, "application/pdf", true, nil
}

// Close stops the browser of the session's PDFs, if one was started.
func (s *Session) Close() {
	s.pdfMu.Lock()
	defer s.pdfMu.Unlock()
	if s.printer != nil {
		s.printer.Close()
		s.printer = nil
	}
}
