package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sync"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/frontmatter"
	"vepkb/generator/internal/i18n"
	"vepkb/generator/internal/render"
)

// Cache keeps what one build computed for the next, so that the preview
// server's rebuilds parse and render again only the files that changed. A
// cached result is used only when everything it depended on is the same: the
// file's bytes for its parse; for its Markdown, the page's body, front matter
// and URL, the Markdown settings, and every URL and file a link could point
// at. It is safe for concurrent use.
type Cache struct {
	content content.Cache

	mu   sync.Mutex
	env  [32]byte // link environment the cached documents were rendered in
	docs map[string]docEntry

	// The configuration and theme of the last load that read them, used
	// again while reuseTheme is set (only content files changed).
	cfg        *config.Config
	theme      *render.Theme
	reuseTheme bool
	// changed, when not nil, lists the content files (relative to the
	// content folder) that may have changed since the last load; the
	// others are not read again.
	changed map[string]bool
}

// Only tells the next load that only the content files in changed
// (relative to the content folder) may have changed since the last one: the
// configuration and theme of the last good load are used again and no other
// content file is read.
func (c *Cache) Only(changed map[string]bool) {
	c.reuseTheme, c.changed = true, changed
}

// All tells the next load to read everything again (the cache still spares
// re-parsing files whose bytes did not change).
func (c *Cache) All() {
	c.reuseTheme, c.changed = false, nil
}

// ForgetTheme drops the cached configuration and theme: after a failed
// build the error may be in them, so the next load reads them again.
func (c *Cache) ForgetTheme() { c.theme = nil }

type docEntry struct {
	page  pageKey
	doc   *content.Doc
	diags []diag.Diagnostic
}

// pageKey is what a page's Markdown output depends on, besides the
// environment.
type pageKey struct {
	url, path string
	meta      *frontmatter.Meta
	bodyLine  int
	body      []byte
}

func keyOf(p *content.Page) pageKey {
	return pageKey{url: p.URL, path: p.Path, meta: p.Meta, bodyLine: p.BodyLine, body: p.Body}
}

// SameMeta reports whether two front matters are equal. A file parsed once
// shares its Meta between builds, so the common case is one comparison.
func SameMeta(a, b *frontmatter.Meta) bool {
	return a == b || (a != nil && b != nil && reflect.DeepEqual(*a, *b))
}

// linkEnv hashes everything a page's Markdown output depends on besides the
// page: the theme's strings (permalink labels, callout titles), and what link
// resolution can see: the Markdown settings,
// the URL of every page by source, drafts and failed files, static files and
// generated pages.
func linkEnv(cfg *config.Config, strs *i18n.Strings, site *content.Site, files, generated map[string]bool) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%v\x00%v\x00%v\x00%s\x00%s\x00", cfg.Markup, cfg.Typographer(), cfg.Base.Path, site.ContentDir, strs.Fingerprint())
	for _, p := range site.Pages {
		fmt.Fprintf(h, "p%s\x00%s\x00", p.Rel, p.URL)
	}
	for _, set := range []map[string]bool{site.Drafts, site.Failed, files, generated} {
		io.WriteString(h, "\x01")
		for _, k := range slices.Sorted(maps.Keys(set)) {
			io.WriteString(h, k+"\x00")
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// setEnv drops every cached document when the link environment changed,
// and reports whether it did.
func (c *Cache) setEnv(env [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if env != c.env || c.docs == nil {
		c.env = env
		c.docs = map[string]docEntry{}
		return true
	}
	return false
}

// doc returns the cached Markdown output of p, with its links pointing at
// the pages of site, or false.
func (c *Cache) doc(p *content.Page, site *content.Site) (*content.Doc, []diag.Diagnostic, bool) {
	c.mu.Lock()
	e, ok := c.docs[p.Rel]
	c.mu.Unlock()
	k := keyOf(p)
	if !ok || e.page.url != k.url || e.page.path != k.path || !SameMeta(e.page.meta, k.meta) || e.page.bodyLine != k.bodyLine || !bytes.Equal(e.page.body, k.body) {
		return nil, nil, false
	}
	d := *e.doc
	d.Links = make([]content.Link, len(e.doc.Links))
	for i, l := range e.doc.Links {
		if l.Target != nil {
			t := site.BySource[l.Target.Rel]
			if t == nil {
				return nil, nil, false
			}
			l.Target = t
		}
		d.Links[i] = l
	}
	return &d, e.diags, true
}

func (c *Cache) putDoc(p *content.Page, d *content.Doc, ds []diag.Diagnostic) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs[p.Rel] = docEntry{page: keyOf(p), doc: d, diags: ds}
}

// keep forgets the documents of pages no longer in the site.
func (c *Cache) keep(site *content.Site) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for rel := range c.docs {
		if site.BySource[rel] == nil {
			delete(c.docs, rel)
		}
	}
}
