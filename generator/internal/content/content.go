// Package content loads the content tree: it walks content/, splits and
// decodes front matter, builds the tree of home, guides (sections), chapters
// and standalone pages, computes URLs, reading order and taxonomies.
//
// It does not render Markdown: the markdown stage fills the Doc of each page
// (rendered HTML, headings, anchors, links) and later stages use the tree as
// it is. The only HTML it deals in is the type of Doc.HTML and the escaped
// summaries templates show.
package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/editorfiles"
	"vepkb/generator/internal/frontmatter"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/slug"
)

// Kind tells what a page is.
type Kind string

// Page kinds.
const (
	KindHome    Kind = "home"
	KindSection Kind = "section" // a folder with _index.md: a guide or a nested section
	KindPage    Kind = "page"    // a chapter inside a section, or a standalone page at the top
)

// Page is one content file and everything later stages learn about it.
type Page struct {
	Kind     Kind
	Path     string // source path relative to the site root, slash-separated ("content/guide/ch.md")
	Rel      string // source path relative to the content folder ("guide/ch.md")
	Meta     *frontmatter.Meta
	Body     []byte // Markdown after the front matter
	BodyLine int    // file line on which Body starts
	URL      string // site path, always starting and ending with "/"

	Parent   *Page   // enclosing section (the home page for top-level pages); nil for home
	Children []*Page // sections: pages and sub-sections, in reading order
	Guide    *Page   // the top-level section the page belongs to; nil for home and standalone pages
	Prev     *Page   // previous page in the guide's reading order
	Next     *Page   // next page in the guide's reading order
	Depth    int     // 0 for home, 1 for top-level pages and guides

	// Doc is filled by the markdown stage.
	Doc *Doc
}

// Doc is what rendering the Markdown body produced.
type Doc struct {
	HTML     template.HTML
	TOC      []Heading // headings for the on-page table of contents
	Headings []Heading // every heading
	Sections []Section // the introduction and each H2/H3 section, for search
	Anchors  map[string]bool
	Links    []Link
	Excerpt  string // plain text of the first paragraph
	Words    int
}

// Heading is a heading of a page.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Section is a run of text under a heading (ID and Heading empty for the
// introduction before the first heading).
type Section struct {
	ID      string
	Heading string
	Level   int
	Text    string
}

// Link is an internal link or image found in a page, already resolved.
type Link struct {
	Line, Col int
	Dest      string // as written
	Target    *Page  // the page linked to, or nil for a static file
	Anchor    string // fragment, without '#'
	Image     bool
}

// Title returns the page title.
func (p *Page) Title() string { return p.Meta.Title }

// Summary returns the front matter summary, or the first paragraph.
func (p *Page) Summary() string {
	if p.Meta.Summary != "" {
		return p.Meta.Summary
	}
	if p.Doc != nil {
		return p.Doc.Excerpt
	}
	return ""
}

// Description returns the meta description: description, else summary.
func (p *Page) Description() string {
	if p.Meta.Description != "" {
		return p.Meta.Description
	}
	return p.Summary()
}

// Date returns the publication date.
func (p *Page) Date() time.Time { return p.Meta.Date }

// Lastmod returns the last modification date (the date when none is given).
func (p *Page) Lastmod() time.Time { return p.Meta.Lastmod }

// IsSection reports whether the page is a section landing page.
func (p *Page) IsSection() bool { return p.Kind == KindSection }

// Pages returns the regular pages among the children.
func (p *Page) Pages() []*Page {
	var out []*Page
	for _, c := range p.Children {
		if c.Kind == KindPage {
			out = append(out, c)
		}
	}
	return out
}

// Ancestors returns the chain of sections from the home page down to the
// parent of p.
func (p *Page) Ancestors() []*Page {
	var out []*Page
	for a := p.Parent; a != nil; a = a.Parent {
		out = append(out, a)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// InSection reports whether p is s or lies under it.
func (p *Page) InSection(s *Page) bool {
	for a := p; a != nil; a = a.Parent {
		if a == s {
			return true
		}
	}
	return false
}

// Site is the loaded content tree.
type Site struct {
	ContentDir string  // content folder relative to the site root, slash-separated
	Home       *Page   // content/_index.md (synthesised when missing)
	Pages      []*Page // every page, sorted by source path
	Guides     []*Page // top-level sections in order
	Standalone []*Page // top-level pages in order
	ByURL      map[string]*Page
	BySource   map[string]*Page // key: path relative to the content folder
	Taxonomies []*Taxonomy
	Files      []File          // non-Markdown files to copy
	Drafts     map[string]bool // content-relative paths of drafts left out
	Failed     map[string]bool // content-relative paths of files that could not be loaded
}

// File is a static file found in the content folder.
type File struct {
	Src string // absolute or site-root-relative OS path
	Rel string // slash path relative to the content folder; also its URL path
}

// Taxonomy is a classification such as tags or audiences.
type Taxonomy struct {
	Name  string // plural, as in front matter and URLs ("tags")
	Title string // "Tags"
	URL   string
	Terms []*Term // sorted by name
}

// Term is one value of a taxonomy.
type Term struct {
	Taxonomy *Taxonomy
	Name     string
	Slug     string
	URL      string
	Pages    []*Page // sorted: guides first, then by title
}

// Options control loading.
type Options struct {
	Root       string   // site root
	ContentDir string   // content folder; relative paths are taken from Root
	Drafts     bool     // include drafts
	Taxonomies []string // plural taxonomy names
	// Cache, when set, keeps parsed files between loads: a file whose bytes
	// did not change is not parsed again (the preview server's rebuilds).
	Cache *Cache
	// Unchanged, when set with Cache, names files known not to have changed
	// since the last load (a file watcher saw no event for them): their
	// cached parse is used without reading them.
	Unchanged func(rel string) bool
}

// Cache remembers the parse of each content file by its bytes. It is safe
// for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]cached // key: path relative to the content folder
}

type cached struct {
	src  []byte
	page Page // as ParsePage returned it, before the tree was built
	err  error
}

// keep forgets every file but rels (the files that still exist).
func (c *Cache) keep(rels []string) {
	want := make(map[string]bool, len(rels))
	for _, r := range rels {
		want[r] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for r := range c.m {
		if !want[r] {
			delete(c.m, r)
		}
	}
}

// get returns the cached parse of a file, without reading it.
func (c *Cache) get(rel string) (*Page, error, bool) {
	c.mu.Lock()
	e, ok := c.m[rel]
	c.mu.Unlock()
	if !ok {
		return nil, nil, false
	}
	p, err := e.result()
	return p, err, true
}

// result returns a fresh copy of the cached page (building the tree sets
// its links), or the parse error.
func (e cached) result() (*Page, error) {
	if e.err != nil {
		return nil, e.err
	}
	p := e.page
	return &p, nil
}

// parse returns the page for src, parsing it only when it changed.
func (c *Cache) parse(srcPath, rel string, src []byte, taxonomies []string) (*Page, error) {
	c.mu.Lock()
	e, ok := c.m[rel]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.src, src) {
		p, err := ParsePage(srcPath, rel, src, taxonomies)
		e = cached{src: src, err: err}
		if p != nil {
			e.page = *p
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]cached{}
		}
		c.m[rel] = e
		c.mu.Unlock()
	}
	return e.result()
}

// Load walks the content folder and builds the site tree. It reports every
// problem it finds, not only the first; warnings go to warn when non-nil.
// When some files fail, the tree of the others is returned with the error.
//
// It stops reading files when ctx is done and returns ctx's error.
func Load(ctx context.Context, opt Options, warn func(string)) (*Site, error) {
	dir := opt.ContentDir
	if dir == "" {
		dir = "content"
	}
	abs := dir
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(opt.Root, dir)
	}
	display := filepath.ToSlash(dir)
	if r, err := filepath.Rel(opt.Root, abs); err == nil && !strings.HasPrefix(r, "..") {
		display = filepath.ToSlash(r)
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, diag.New(display, 0, 0, "content folder not found")
	}
	site := &Site{ContentDir: display, ByURL: map[string]*Page{}, BySource: map[string]*Page{}}

	var mdFiles []string
	var list diag.List
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(abs, p)
			list.Addf(path.Join(display, filepath.ToSlash(rel)), 0, 0, "%v", err)
			return nil
		}
		name := d.Name()
		if p != abs && ignored(name) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(abs, p)
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				list.Addf(path.Join(display, rel), 0, 0, "broken symbolic link: %v", err)
				return nil
			}
			if fi.IsDir() {
				if warn != nil {
					warn(fmt.Sprintf("%s: symbolic link to a folder is not followed", path.Join(display, rel)))
				}
				return nil
			}
		} else if d.IsDir() {
			return nil
		}
		if strings.HasSuffix(strings.ToLower(name), ".md") {
			mdFiles = append(mdFiles, rel)
		} else {
			site.Files = append(site.Files, File{Src: p, Rel: rel})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(mdFiles)

	pages := make([]*Page, len(mdFiles))
	perr := par.ForContext(ctx, len(mdFiles), runtime.GOMAXPROCS(0), func(i int) {
		list.Guard(path.Join(display, mdFiles[i]), func() {
			var p *Page
			var err error
			cached := false
			if opt.Cache != nil && opt.Unchanged != nil && opt.Unchanged(mdFiles[i]) {
				p, err, cached = opt.Cache.get(mdFiles[i])
			}
			if !cached {
				p, err = loadPage(abs, display, mdFiles[i], opt.Taxonomies, opt.Cache)
			}
			if err != nil {
				if ds := diag.As(err); ds != nil {
					list.Add(ds...)
				} else {
					list.Addf(path.Join(display, mdFiles[i]), 0, 0, "%v", err)
				}
				return
			}
			pages[i] = p
		})
	})
	if perr != nil {
		return nil, perr
	}

	if opt.Cache != nil {
		opt.Cache.keep(mdFiles)
	}
	var kept []*Page
	site.Failed = map[string]bool{}
	for i, p := range pages {
		if p != nil {
			kept = append(kept, p)
		} else {
			site.Failed[mdFiles[i]] = true
		}
	}
	site.build(kept, opt, &list, warn)
	// The tree of the pages that loaded is returned with the errors, so that
	// later stages can report their own problems in the same run.
	return site, list.Err()
}

// ignored reports whether a file or folder name is left out of the build:
// editors' and tools' files, and names starting with "_" other than
// _index.md.
func ignored(name string) bool {
	return editorfiles.Temporary(name) || (strings.HasPrefix(name, "_") && name != "_index.md")
}

func loadPage(abs, display, rel string, taxonomies []string, cache *Cache) (*Page, error) {
	srcPath := path.Join(display, rel)
	src, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(rel)))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, diag.New(srcPath, 0, 0, "cannot read: %v", err)
	}
	if cache != nil {
		return cache.parse(srcPath, rel, src, taxonomies)
	}
	return ParsePage(srcPath, rel, src, taxonomies)
}

// ParsePage turns the bytes of one content file into a Page (without URL or
// place in the tree).
func ParsePage(srcPath, rel string, src []byte, taxonomies []string) (*Page, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, diag.New(srcPath, 0, 0, "empty file: a page needs front matter with at least a title")
	}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line, col := diag.LineCol(src, off)
		return nil, diag.New(srcPath, line, col, "invalid UTF-8 (byte 0x%02x): save the file as UTF-8", src[off])
	}
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	f, fm, body, fmLine, bodyLine, err := frontmatter.Split(srcPath, src)
	if err != nil {
		return nil, err
	}
	if f == frontmatter.None {
		return nil, diag.New(srcPath, 1, 1, "no front matter: start the file with a line \"---\", then \"title: …\", then \"---\"")
	}
	meta, err := frontmatter.Parse(srcPath, f, fm, fmLine, taxonomies)
	if err != nil {
		return nil, err
	}
	kind := KindPage
	if path.Base(rel) == "_index.md" {
		kind = KindSection
		if rel == "_index.md" {
			kind = KindHome
		}
	}
	return &Page{Kind: kind, Path: srcPath, Rel: rel, Meta: meta, Body: body, BodyLine: bodyLine}, nil
}

// build assembles the tree: sections, URLs, ordering, reading order and taxonomies.
func (s *Site) build(pages []*Page, opt Options, list *diag.List, warn func(string)) {
	sections, regular := s.sortOut(pages, opt.Drafts)
	s.folderSections(sections, regular, warn)
	s.link(sections, regular)
	assignURLs(s.Home, 0, nil)
	s.topLevel()
	s.lookupTables(list)
	for _, g := range s.Guides {
		readingOrder(g)
	}
	s.buildTaxonomies(opt.Taxonomies)
}

// sortOut leaves drafts out (unless drafts is set), with everything under
// a draft section, recording them in s.Drafts, and sorts the other pages
// out: the home page (synthesised when missing), the section page of each
// folder (key: the content-relative folder, "." for the home page), and
// the regular pages.
func (s *Site) sortOut(pages []*Page, drafts bool) (sections map[string]*Page, regular []*Page) {
	draftDirs := map[string]bool{}
	if !drafts {
		for _, p := range pages {
			if p.Kind == KindSection && p.Meta.Draft {
				draftDirs[path.Dir(p.Rel)] = true
			}
		}
	}
	sections = map[string]*Page{}
	s.Drafts = map[string]bool{}
	for _, p := range pages {
		if (!drafts && p.Meta.Draft) || underDraft(p.Rel, draftDirs) {
			s.Drafts[p.Rel] = true
			continue
		}
		switch p.Kind {
		case KindHome:
			s.Home = p
			sections["."] = p
		case KindSection:
			sections[path.Dir(p.Rel)] = p
		default:
			regular = append(regular, p)
		}
	}
	if s.Home == nil {
		s.Home = &Page{Kind: KindHome, Path: path.Join(s.ContentDir, "_index.md"), Rel: "_index.md",
			Meta: &frontmatter.Meta{Title: "Home", Terms: map[string][]string{}, Params: map[string]any{}}, BodyLine: 1}
		sections["."] = s.Home
	}
	return sections, regular
}

// underDraft reports whether the file rel lies in one of the folders of
// draft sections.
func underDraft(rel string, draftDirs map[string]bool) bool {
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		if draftDirs[d] {
			return true
		}
	}
	return false
}

// folderSections makes a section of each folder that holds pages but no
// _index.md, titled after the folder's name, and warns about it.
func (s *Site) folderSections(sections map[string]*Page, regular []*Page, warn func(string)) {
	for _, p := range regular {
		for d := path.Dir(p.Rel); d != "."; d = path.Dir(d) {
			if sections[d] != nil {
				continue
			}
			title := upperFirst(strings.ReplaceAll(path.Base(d), "-", " "))
			sections[d] = &Page{Kind: KindSection, Path: path.Join(s.ContentDir, d), Rel: path.Join(d, "_index.md"),
				Meta: &frontmatter.Meta{Title: title, Terms: map[string][]string{}, Params: map[string]any{}}, BodyLine: 1}
			if warn != nil {
				warn(fmt.Sprintf("%s: folder has no _index.md; using the title %q", path.Join(s.ContentDir, d), title))
			}
		}
	}
}

// link makes each section a child of its parent folder's section and each
// regular page a child of its folder's section, and lists every page in
// s.Pages, sorted by source path.
func (s *Site) link(sections map[string]*Page, regular []*Page) {
	all := []*Page{}
	for _, d := range slices.Sorted(maps.Keys(sections)) {
		sec := sections[d]
		if d != "." {
			parent := sections[path.Dir(d)]
			sec.Parent = parent
			parent.Children = append(parent.Children, sec)
		}
		all = append(all, sec)
	}
	for _, p := range regular {
		p.Parent = sections[path.Dir(p.Rel)]
		p.Parent.Children = append(p.Parent.Children, p)
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Rel < all[j].Rel })
	s.Pages = all
}

// assignURLs sets the URL, depth and guide of p and, in order, of everything
// under it, top-down (guide: the top-level section p belongs to).
func assignURLs(p *Page, depth int, guide *Page) {
	p.Depth = depth
	p.Guide = guide
	switch {
	case p.Kind == KindHome:
		p.URL = "/"
	default:
		seg := p.Meta.Slug
		if seg == "" {
			base := path.Base(p.Rel)
			if p.Kind == KindSection {
				base = path.Base(path.Dir(p.Rel))
			}
			seg = segment(strings.TrimSuffix(base, path.Ext(base)))
		}
		p.URL = p.Parent.URL + seg + "/"
	}
	sortChildren(p.Children)
	for _, c := range p.Children {
		g := guide
		if p.Kind == KindHome {
			g = nil
			if c.Kind == KindSection {
				g = c
			}
		}
		assignURLs(c, depth+1, g)
	}
}

// topLevel lists the home page's children, in order, as guides (sections)
// and standalone pages.
func (s *Site) topLevel() {
	for _, c := range s.Home.Children {
		if c.Kind == KindSection {
			s.Guides = append(s.Guides, c)
		} else {
			s.Standalone = append(s.Standalone, c)
		}
	}
}

// lookupTables fills ByURL and BySource, reporting URLs claimed twice and
// aliases that are the URL of a page.
func (s *Site) lookupTables(list *diag.List) {
	for _, p := range s.Pages {
		if other, ok := s.ByURL[p.URL]; ok {
			list.Addf(p.Path, 0, 0, "URL %s is also claimed by %s", p.URL, other.Path)
			continue
		}
		s.ByURL[p.URL] = p
		s.BySource[p.Rel] = p
	}
	for _, p := range s.Pages {
		for _, a := range p.Meta.Aliases {
			a = CleanURL(a)
			if other, ok := s.ByURL[a]; ok {
				list.Addf(p.Path, 0, 0, "alias %s is already the URL of %s", a, other.Path)
			}
		}
	}
}

// readingOrder links the pages of guide g by Prev and Next: the landing
// page, then depth-first.
func readingOrder(g *Page) {
	order := appendDepthFirst(nil, g)
	for i, p := range order {
		if i > 0 {
			p.Prev = order[i-1]
		}
		if i+1 < len(order) {
			p.Next = order[i+1]
		}
	}
}

// appendDepthFirst appends p, then each of its children and what lies under
// them, in order.
func appendDepthFirst(order []*Page, p *Page) []*Page {
	order = append(order, p)
	for _, c := range p.Children {
		order = appendDepthFirst(order, c)
	}
	return order
}

// upperFirst returns s with its first letter in title case: the whole first
// rune, in any script ("дерадикализация" → "Дерадикализация"); letters
// without case are left as they are.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToTitle(r)) + s[size:]
}

// segment turns a file or folder name into a URL path segment.
func segment(name string) string {
	if sl := slug.Make(name); sl != "" {
		return sl
	}
	return "page"
}

// CleanURL normalises a site path: leading and trailing slash, no index.html.
func CleanURL(u string) string {
	u = strings.TrimSuffix(u, "index.html")
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	if !strings.HasSuffix(u, "/") && path.Ext(u) == "" {
		u += "/"
	}
	return u
}

// sortChildren orders pages by weight (pages without weight last), then
// title, then source path.
func sortChildren(ps []*Page) {
	sort.SliceStable(ps, func(i, j int) bool { return Less(ps[i], ps[j]) })
}

// Less is the site's page order: weight, then title, then path.
func Less(a, b *Page) bool {
	wa, wb := a.Meta.Weight, b.Meta.Weight
	if (wa == 0) != (wb == 0) {
		return wa != 0
	}
	if wa != wb {
		return wa < wb
	}
	ta, tb := strings.ToLower(a.Meta.Title), strings.ToLower(b.Meta.Title)
	if ta != tb {
		return ta < tb
	}
	return a.Rel < b.Rel
}

func (s *Site) buildTaxonomies(names []string) {
	for _, name := range names {
		t := &Taxonomy{Name: name, Title: upperFirst(name), URL: "/" + segment(name) + "/"}
		bySlug := map[string]*Term{}
		for _, p := range s.Pages {
			seen := map[string]bool{}
			for _, raw := range p.Meta.Terms[name] {
				sl := slug.Make(raw)
				if sl == "" || seen[sl] {
					continue
				}
				seen[sl] = true
				term := bySlug[sl]
				if term == nil {
					term = &Term{Taxonomy: t, Name: raw, Slug: sl, URL: t.URL + sl + "/"}
					bySlug[sl] = term
					t.Terms = append(t.Terms, term)
				}
				term.Pages = append(term.Pages, p)
			}
		}
		sort.Slice(t.Terms, func(i, j int) bool {
			return strings.ToLower(t.Terms[i].Name) < strings.ToLower(t.Terms[j].Name)
		})
		for _, term := range t.Terms {
			sort.SliceStable(term.Pages, func(i, j int) bool {
				a, b := term.Pages[i], term.Pages[j]
				if (a.Kind == KindSection) != (b.Kind == KindSection) {
					return a.Kind == KindSection
				}
				if a.Guide != b.Guide && a.Guide != nil && b.Guide != nil {
					return Less(a.Guide, b.Guide)
				}
				return Less(a, b)
			})
		}
		s.Taxonomies = append(s.Taxonomies, t)
	}
}

// Terms returns the page's terms of a taxonomy as Term values.
func (s *Site) Terms(p *Page, taxonomy string) []*Term {
	for _, t := range s.Taxonomies {
		if t.Name != taxonomy {
			continue
		}
		var out []*Term
		for _, raw := range p.Meta.Terms[taxonomy] {
			sl := slug.Make(raw)
			for _, term := range t.Terms {
				if term.Slug == sl {
					out = append(out, term)
					break
				}
			}
		}
		return out
	}
	return nil
}
