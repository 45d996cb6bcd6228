// Package site runs a build: it wires the pipeline stages together in order
// (config, theme, content, markdown, link checking, rendering) and writes the
// result into a staging folder that replaces the output folder only when the
// whole build succeeded, so a failed build never leaves a half-written site.
package site

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/linkcheck"
	"vepkb/generator/internal/markdown"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/render"
)

// Options describe one build.
type Options struct {
	Root       string // site root: config.toml, themes/, layouts/, static/
	ContentDir string // content folder; default Root/content
	Dest       string // output folder; default Root/public
	Drafts     bool
	BaseURL    string // overrides config baseURL when set
	CheckOnly  bool   // validate everything, write nothing
	Warn       func(string)
	Info       func(string) // progress notes, such as compiling the search engine
	// Cache, when set, carries parsed and rendered pages from one build to
	// the next (see Cache).
	Cache *Cache
	// Preview builds for the preview server: the search index and engine get
	// fixed names (pages then stay the same when only the index changes) and
	// no compressed copies.
	Preview bool
}

// Result summarises a successful build.
type Result struct {
	Pages    int // HTML pages written (content, taxonomy, 404, aliases)
	Files    int // other files (assets, static, content files, XML)
	Duration time.Duration
	Site     *content.Site
	Config   *config.Config
	Phases   []Phase // wall-clock time of each stage, in order
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

	envChanged bool // links may resolve differently than in the build the cache last saw
}

// Load runs every stage up to rendering: configuration, theme, content,
// Markdown and link checks. It returns all problems found.
func Load(opt Options) (*Loaded, error) {
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
	site, err := content.Load(content.Options{Root: opt.Root, ContentDir: opt.ContentDir, Drafts: opt.Drafts,
		Taxonomies: cfg.TaxonomyNames(), Cache: parseCache, Unchanged: unchanged}, opt.Warn)
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
	generated := render.GeneratedURLs(site, cfg)
	for _, p := range site.Pages {
		if generated[p.URL] {
			list.Addf(p.Path, 0, 0, "URL %s is also used by a generated page (taxonomy list, feed or 404)", p.URL)
		}
	}
	resolver := &linkcheck.Resolver{Site: site, Files: files, Generated: generated, Drafts: site.Drafts, Failed: site.Failed, Prefix: cfg.Base.Path}
	md := markdown.New(markdown.Options{Unsafe: cfg.Markup.Unsafe, Typographer: cfg.Typographer(), TOCLevels: cfg.Markup.TOCLevels})
	envChanged := false
	if opt.Cache != nil {
		envChanged = opt.Cache.setEnv(linkEnv(cfg, site, files, generated))
	}
	par.For(len(site.Pages), workers(cfg), func(i int) {
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
	phase("markdown")
	list.Add(linkcheck.Check(site)...)
	phase("link check")
	l := &Loaded{Config: cfg, Theme: theme, Content: site, Phases: phases, envChanged: envChanged}
	if opt.Info != nil {
		l.Logf = func(f string, a ...any) { opt.Info(fmt.Sprintf(f, a...)) }
	}
	if err := list.Err(); err != nil {
		// Render to nowhere so that template errors are reported in the same run.
		list.Add(Render(l, discard{}, workers(cfg))...)
		return nil, list.Err()
	}
	return l, nil
}

// discard is a render.Writer that keeps nothing.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
func (discard) CopyFile(string, string) error  { return nil }

func workers(cfg *config.Config) int {
	if cfg.Build.Workers > 0 {
		return cfg.Build.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Build loads, checks and renders the site into opt.Dest (unless CheckOnly).
func Build(opt Options) (*Result, error) {
	start := time.Now()
	if opt.Dest == "" {
		opt.Dest = filepath.Join(opt.Root, "public")
	}
	l, err := Load(opt)
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
	parent := filepath.Dir(filepath.Clean(opt.Dest))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(opt.Dest)+".staging-")
	if err != nil {
		return nil, fmt.Errorf("cannot create staging folder: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(staging)
		}
	}()
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, err
	}
	w := NewDirWriter(staging)
	// Rendering is mostly waiting on file system calls; more goroutines than
	// cores keep the CPUs busy while others wait.
	if ds := Render(l, w, 4*workers(l.Config)); len(ds) > 0 {
		return nil, &diag.Errors{Items: ds}
	}
	phase("render and write")
	if err := swap(staging, opt.Dest); err != nil {
		return nil, err
	}
	ok = true
	phase("swap into place")
	res.Pages, res.Files = w.Counts()
	res.Duration = time.Since(start)
	return res, nil
}

// Render writes every output of a loaded site through w.
func Render(l *Loaded, w render.Writer, workers int) []diag.Diagnostic {
	var ds []diag.Diagnostic
	opts := render.Options{Workers: workers}
	if l.Config.SearchEnabled() {
		opts.Search, ds = buildSearch(l, w, workers, l.Logf, false)
	}
	ds = append(ds, render.Site(l.Content, l.Config, l.Theme, w, opts)...)
	return append(ds, copyStatic(l, w, workers)...)
}

// copyStatic copies the theme's static files, then the site's, then files
// beside content.
func copyStatic(l *Loaded, w render.Writer, workers int) []diag.Diagnostic {
	type copyJob struct{ rel, src string }
	var jobs []copyJob
	urls := make([]string, 0, len(l.Theme.Static))
	for u := range l.Theme.Static {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, u := range urls {
		jobs = append(jobs, copyJob{strings.TrimPrefix(u, "/"), l.Theme.Static[u]})
	}
	for _, f := range l.Content.Files {
		jobs = append(jobs, copyJob{f.Rel, f.Src})
	}
	var list diag.List
	par.For(len(jobs), workers, func(i int) {
		list.Guard(jobs[i].rel, func() {
			if err := w.CopyFile(jobs[i].rel, jobs[i].src); err != nil {
				list.Addf(jobs[i].rel, 0, 0, "cannot copy: %v", err)
			}
		})
	})
	return list.Sorted()
}

// swap replaces dest with staging: the old output is moved aside and removed
// only after the new one is in place.
func swap(staging, dest string) error {
	old := ""
	if _, err := os.Lstat(dest); err == nil {
		old = staging + ".old"
		if err := os.Rename(dest, old); err != nil {
			return fmt.Errorf("cannot move the previous output aside: %w", err)
		}
	}
	if err := os.Rename(staging, dest); err != nil {
		if old != "" {
			_ = os.Rename(old, dest)
		}
		return fmt.Errorf("cannot move the new output into place: %w", err)
	}
	if old != "" {
		removeAll(old)
	}
	return nil
}

// removeAll deletes a folder tree, its top-level entries in parallel (file
// system calls, not the CPU, bound deletion).
func removeAll(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return
	}
	par.For(len(entries), 8, func(i int) {
		_ = os.RemoveAll(filepath.Join(dir, entries[i].Name()))
	})
	_ = os.RemoveAll(dir)
}
