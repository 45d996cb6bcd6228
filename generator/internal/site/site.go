// Package site runs a build: it wires the pipeline stages together in order
// (config, theme, content, markdown, link checking, rendering) and hands the
// output to package output, which stages it and commits it only when the
// whole build succeeded, so a failed or interrupted build never leaves a
// half-written site.
package site

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/linkcheck"
	"vepkb/generator/internal/markdown"
	"vepkb/generator/internal/output"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/printdoc"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/search"
)

// Options describe one build.
type Options struct {
	Root       string // site root: config.toml, themes/, layouts/, static/
	ContentDir string // content folder; default Root/content
	Dest       string // output folder; default Root/public
	Drafts     bool
	BaseURL    string // overrides config baseURL when set
	CheckOnly  bool   // validate everything, write nothing
	// Force writes into a destination that holds files this generator did
	// not write (they are kept; see package output).
	Force bool
	// NoPDF skips the PDFs (and the links to them) even when config.toml
	// asks for them.
	NoPDF bool
	Warn  func(string)
	Info  func(string) // progress notes, such as compiling the search engine
	// Cache, when set, carries parsed and rendered pages from one build to
	// the next (see Cache).
	Cache *Cache
}

// Result summarises a successful build.
type Result struct {
	Pages    int // HTML pages written (content, taxonomy, 404, aliases)
	Files    int // other files (assets, static, content files, XML)
	Duration time.Duration
	Site     *content.Site
	Config   *config.Config
	Phases   []Phase // wall-clock time of each stage, in order
	Output   output.Summary
}

// Phase is the duration of one build stage.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Loaded is a site after every check, ready to render.
type Loaded struct {
	Config  *config.Config
	Theme   *render.Theme
	Content *content.Site
	Phases  []Phase
	Logf    func(string, ...any) // progress notes (may be nil)
	// Markdown and Resolve render a page's Markdown again, for documents
	// that join pages (print views): markdown.Renderer.RenderWith.
	Markdown *markdown.Renderer
	Resolve  markdown.Resolver
	// Prints are the print documents (guides and the whole knowledge base)
	// when PDFs are on; their parts are filled by FillPrints. PDFs and
	// PDFData are the PDFs made of them, when made.
	Prints  []*render.Print
	PDFs    map[string]*render.PDFFile
	PDFData map[string][]byte
	// OfflineCopy is the link to the offline copy, set by builds that
	// write it.
	OfflineCopy *render.Download

	envChanged bool // links may resolve differently than in the build the cache last saw
}

// EnvChanged reports whether links may resolve differently than in the
// build the cache last saw (pages added, moved or removed, settings): every
// page must then be rendered again.
func (l *Loaded) EnvChanged() bool { return l.envChanged }

// Load runs every stage up to rendering: configuration, theme, content,
// Markdown and link checks. It returns all problems found, or ctx's cause
// when ctx is done first.
func Load(ctx context.Context, opt Options) (*Loaded, error) {
	var phases []Phase
	mark := time.Now()
	phase := func(name string) {
		now := time.Now()
		phases = append(phases, Phase{name, now.Sub(mark)})
		mark = now
	}
	var list diag.List
	var cfg *config.Config
	var theme *render.Theme
	if opt.Cache != nil && opt.Cache.reuseTheme && opt.Cache.theme != nil {
		// Only content changed: the configuration and layouts are as the
		// last good build loaded them.
		cfg, theme = opt.Cache.cfg, opt.Cache.theme
	} else {
		var err error
		cfg, err = config.Load(opt.Root)
		if err != nil {
			return nil, err
		}
		if opt.BaseURL != "" {
			if err := cfg.SetBaseURL(opt.BaseURL); err != nil {
				return nil, fmt.Errorf("--base-url: %w", err)
			}
		}
		chroma, err := markdown.ChromaCSS(cfg.Markup.HighlightLight, cfg.Markup.HighlightDark)
		if err != nil {
			return nil, diag.New(config.FileName, 0, 0, "markup: %v", err)
		}
		theme, err = render.LoadTheme(opt.Root, cfg, render.Extra{Append: map[string]string{"css/main.css": chroma}})
		if err != nil {
			list.Add(diag.As(err)...)
		} else if opt.Cache != nil {
			opt.Cache.cfg, opt.Cache.theme = cfg, theme
		}
	}
	phase("config and theme")
	var parseCache *content.Cache
	var unchanged func(string) bool
	if opt.Cache != nil {
		parseCache = &opt.Cache.content
		if changed := opt.Cache.changed; changed != nil {
			unchanged = func(rel string) bool { return !changed[rel] }
		}
	}
	site, err := content.Load(ctx, content.Options{Root: opt.Root, ContentDir: opt.ContentDir, Drafts: opt.Drafts,
		Taxonomies: cfg.TaxonomyNames(), Cache: parseCache, Unchanged: unchanged}, opt.Warn)
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	if err != nil {
		if len(diag.As(err)) == 0 || site == nil {
			list.Add(diag.As(err)...)
			if list.Len() == 0 {
				return nil, err
			}
			return nil, list.Err()
		}
		list.Add(diag.As(err)...)
	}
	if theme == nil {
		return nil, list.Err()
	}

	phase("content and front matter")
	files := map[string]bool{}
	for u := range theme.Static {
		files[u] = true
	}
	for _, f := range site.Files {
		files["/"+f.Rel] = true
	}
	if opt.NoPDF {
		cfg.PDF.Enabled = nil
	}
	prints := printdoc.Plan(site, cfg)
	generated := render.GeneratedURLs(site, cfg, theme, prints)
	for _, p := range site.Pages {
		if generated[p.URL] {
			list.Addf(p.Path, 0, 0, "URL %s is also used by a generated page (taxonomy list, feed or 404)", p.URL)
		}
	}
	resolver := &linkcheck.Resolver{Site: site, Files: files, Generated: generated, Drafts: site.Drafts, Failed: site.Failed, Prefix: cfg.Base.Path}
	md := markdown.New(markdown.Options{Unsafe: cfg.Markup.Unsafe, Typographer: cfg.Typographer(), TOCLevels: cfg.Markup.TOCLevels, Text: theme.Strings.MustT})
	envChanged := false
	if opt.Cache != nil {
		envChanged = opt.Cache.setEnv(linkEnv(cfg, theme.Strings, site, files, generated))
	}
	_ = par.ForContext(ctx, len(site.Pages), Workers(cfg), func(i int) {
		p := site.Pages[i]
		p.Doc = &content.Doc{Anchors: map[string]bool{}}
		if opt.Cache != nil {
			if doc, ds, ok := opt.Cache.doc(p, site); ok {
				p.Doc = doc
				list.Add(ds...)
				return
			}
		}
		list.Guard(p.Path, func() {
			doc, ds := md.Render(p, resolver.Resolve)
			p.Doc = doc
			list.Add(ds...)
			if opt.Cache != nil {
				opt.Cache.putDoc(p, doc, ds)
			}
		})
	})
	if opt.Cache != nil {
		opt.Cache.keep(site)
	}
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	phase("markdown")
	list.Add(linkcheck.Check(site)...)
	phase("link check")
	l := &Loaded{Config: cfg, Theme: theme, Content: site, Phases: phases, Markdown: md, Resolve: resolver.Resolve, Prints: prints, envChanged: envChanged}
	if opt.Info != nil {
		l.Logf = func(f string, a ...any) { opt.Info(fmt.Sprintf(f, a...)) }
	}
	if err := list.Err(); err != nil {
		// Render to nowhere so that template errors are reported in the same run.
		list.Add(Render(ctx, l, discard{}, Workers(cfg))...)
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, list.Err()
	}
	return l, nil
}

// discard is a render.Writer that keeps nothing.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
func (discard) CopyFile(string, string) error  { return nil }

// Workers is the parallelism the configuration asks for (one per CPU by default).
func Workers(cfg *config.Config) int {
	if cfg.Build.Workers > 0 {
		return cfg.Build.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Build loads, checks and renders the site into opt.Dest (unless CheckOnly).
// The destination is checked first (a *output.RefusedError says why it
// cannot be used); the new output replaces it only when everything
// succeeded. When ctx is done, Build stops, leaves the destination as it
// was, and returns ctx's cause.
func Build(ctx context.Context, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Dest == "" {
		opt.Dest = filepath.Join(opt.Root, "public")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var out *output.Target
	if !opt.CheckOnly {
		var err error
		out, err = output.Open(opt.Dest, output.Options{Sources: opt.sources(), Force: opt.Force, OnFatal: cancel,
			Notef: func(f string, a ...any) {
				if opt.Info != nil {
					opt.Info(fmt.Sprintf(f, a...))
				}
			}})
		if err != nil {
			return nil, err
		}
		defer out.Discard()
	}
	l, err := Load(ctx, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{Site: l.Content, Config: l.Config, Phases: l.Phases}
	mark := time.Now()
	phase := func(name string) {
		now := time.Now()
		res.Phases = append(res.Phases, Phase{name, now.Sub(mark)})
		mark = now
	}
	if opt.CheckOnly {
		res.Duration = time.Since(start)
		return res, nil
	}
	if len(l.Prints) > 0 {
		if l.PDFs, l.PDFData, err = makePDFs(ctx, l); err != nil {
			return nil, err
		}
		phase("PDFs")
	}
	// Rendering is mostly waiting on file system calls; more goroutines than
	// cores keep the CPUs busy while others wait.
	rec := &recorder{w: out, files: map[string]fileSum{}, exclude: map[string]bool{}}
	var w render.Writer = rec
	var cw *copyWriter
	if l.Config.OfflineCopyEnabled() {
		cw = newCopyWriter(rec, l)
		rec.exclude[cw.zip] = true // not for the service worker: it keeps the site itself
		l.OfflineCopy = &render.Download{URL: "/" + cw.zip, Size: copySizeToken}
		w = cw
	}
	ds := Render(ctx, l, w, 4*Workers(l.Config))
	if err := out.Fatal(); err != nil {
		return nil, err // one cause for every file: said once
	}
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	if len(ds) > 0 {
		return nil, &diag.Errors{Items: ds}
	}
	if cw != nil {
		if err := cw.finish(ctx, Workers(l.Config)); err != nil {
			if ferr := out.Fatal(); ferr != nil {
				return nil, ferr
			}
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, err
		}
	}
	if l.Config.OfflineEnabled() {
		if err := out.WriteFile("offline.json", rec.manifest(l.Config.Base.Path)); err != nil {
			if ferr := out.Fatal(); ferr != nil {
				return nil, ferr
			}
			return nil, err
		}
	}
	phase("render and write")
	sum, err := out.Commit()
	if err != nil {
		return nil, err
	}
	phase("commit")
	res.Output = sum
	res.Pages, res.Files = out.Counts()
	res.Duration = time.Since(start)
	return res, nil
}

// ContentPath returns the absolute content folder: ContentDir, taken from
// Root when relative, or Root/content.
func (o Options) ContentPath() string {
	root, _ := filepath.Abs(o.Root)
	switch {
	case o.ContentDir == "":
		return filepath.Join(root, "content")
	case filepath.IsAbs(o.ContentDir):
		return filepath.Clean(o.ContentDir)
	}
	return filepath.Join(root, o.ContentDir)
}

// sources are the folders the build reads, which the output must not replace.
func (o Options) sources() []output.Protected {
	return []output.Protected{
		{Path: o.Root, What: "the site's root folder"},
		{Path: o.ContentPath(), What: "the site's content folder"},
		{Path: filepath.Join(o.Root, "themes"), What: "the site's themes folder"},
		{Path: filepath.Join(o.Root, "layouts"), What: "the site's layouts folder"},
		{Path: filepath.Join(o.Root, "assets"), What: "the site's assets folder"},
		{Path: filepath.Join(o.Root, "static"), What: "the site's static folder"},
		{Path: filepath.Join(o.Root, "i18n"), What: "the site's i18n folder"},
	}
}

// Render writes every output of a loaded site through w. It stops early
// when ctx is done; the caller reports why.
func Render(ctx context.Context, l *Loaded, w render.Writer, workers int) []diag.Diagnostic {
	var ds []diag.Diagnostic
	opts := render.Options{Workers: workers, PDFs: l.PDFs, PDFData: l.PDFData, Offline: l.Config.OfflineEnabled(), OfflineCopy: l.OfflineCopy}
	if l.PDFData != nil {
		opts.Prints = l.Prints // filled: their views are written beside the PDFs
	}
	if l.Config.SearchEnabled() {
		opts.Search, ds = search.Publish(ctx, l.Content, l.Config, w, search.PublishOptions{Workers: workers, Logf: l.Logf})
		if ctx.Err() != nil {
			return ds
		}
	}
	ds = append(ds, render.Site(ctx, l.Content, l.Config, l.Theme, w, opts)...)
	return append(ds, CopyStatic(ctx, l, w, workers)...)
}

// CopyStatic copies the theme's static files, then the site's, then files
// beside content.
func CopyStatic(ctx context.Context, l *Loaded, w render.Writer, workers int) []diag.Diagnostic {
	type copyJob struct{ rel, src string }
	var jobs []copyJob
	for _, u := range slices.Sorted(maps.Keys(l.Theme.Static)) {
		jobs = append(jobs, copyJob{strings.TrimPrefix(u, "/"), l.Theme.Static[u]})
	}
	for _, f := range l.Content.Files {
		jobs = append(jobs, copyJob{f.Rel, f.Src})
	}
	var list diag.List
	_ = par.ForContext(ctx, len(jobs), workers, func(i int) {
		list.Guard(jobs[i].rel, func() {
			if err := w.CopyFile(jobs[i].rel, jobs[i].src); err != nil {
				list.Addf(jobs[i].rel, 0, 0, "cannot copy: %v", err)
			}
		})
	})
	return list.Sorted()
}
