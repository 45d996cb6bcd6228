// Package markdown renders page bodies with goldmark and the site's
// extensions, each a goldmark.Extender in its own file: heading permalinks
// (heading.go), GitHub-style callouts (callout.go), scrollable table regions
// (tablewrap.go), chroma highlighting with CSS classes (highlight.go) and
// sanitised raw HTML (rawhtml.go). Per-render work stays in this file, with
// helpers in ids.go: readable unique heading and definition-term ids, link
// and image resolution, and the id prefix and link targets a later stage may
// choose (RenderWith).
//
// The package writes no visible text of its own: labels and default titles
// come from Options.Text.
//
// Besides HTML it extracts what later stages need: headings and the table of
// contents, text sections for search, the set of anchors, resolved links with
// their line and column, and a plain-text excerpt.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
)

// Options configure the renderer.
type Options struct {
	Unsafe      bool  // pass raw HTML through (javascript: URLs are still removed)
	Typographer bool  // smart quotes and dashes
	TOCLevels   []int // heading levels in the table of contents

	// Text returns the translated text of key, with {name} placeholders
	// filled from the name, value pairs in args. The keys are
	// heading.permalink (argument "title"), callout.note, callout.tip,
	// callout.important, callout.warning, callout.caution and table.scrolls.
	// The result is plain text (the renderer escapes it). When Text is nil
	// the key itself is written.
	Text func(key string, args ...any) string
}

// lookup returns text's translation of key, or key when text is nil.
func lookup(text func(key string, args ...any) string, key string, args ...any) string {
	if text == nil {
		return key
	}
	return text(key, args...)
}

// RenderOptions let a later stage place a page's HTML in a larger document
// (a guide's chapters joined for print or PDF). The zero value renders for
// the page's own URL, exactly as Render.
type RenderOptions struct {
	// IDPrefix is put before every id the page's HTML defines: heading and
	// definition-term ids, explicit {#id}s, footnotes (fn:1) and their
	// references (fnref:1). Links written as a fragment ("#gp-3-2") are
	// rewritten to match, and the Doc's Headings, TOC, Sections and Anchors
	// report the prefixed ids. Ids inside raw HTML are left alone. Links'
	// Anchor fields stay as written, the target's own (unprefixed) anchor.
	IDPrefix string
	// Href, when set, chooses the href of every resolved internal link or
	// image that is not a same-page fragment: it receives the resolved link
	// (position, destination as written, target page or nil for a file,
	// anchor) and the site URL the resolver chose, and returns the href to
	// write ("#ch3-gp-3-2" for a page in the same joined document, siteURL
	// otherwise). External links are not passed to it.
	Href func(l *content.Link, siteURL string) string
}

// Resolver resolves the destination of a link or image written in page p. It
// returns the URL to write into the HTML and the resolved link, or an error
// message when the destination is broken. External links return ok with a
// nil *content.Link.
type Resolver func(p *content.Page, dest string, image bool) (url string, link *content.Link, err error)

// ReservedIDs are ids the page layout uses; headings never take them.
var ReservedIDs = []string{"main", "content", "toc", "top", "site-header", "site-footer", "site-search", "sidebar", "footnotes", "search"}

// Renderer renders Markdown bodies. It is safe for concurrent use.
type Renderer struct {
	md   goldmark.Markdown
	opts Options
}

// New returns a Renderer with the given options.
func New(opts Options) *Renderer {
	exts := []goldmark.Extender{
		// goldmark's
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
		extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(footnoteIDPrefix)),
		extension.DefinitionList,
		// ours
		HeadingPermalinks{Text: opts.Text},
		Callouts{Text: opts.Text},
		TableWrapping{Text: opts.Text},
		Highlighting{},
	}
	if opts.Typographer {
		exts = append(exts, extension.Typographer)
	}
	if opts.Unsafe {
		exts = append(exts, SafeRawHTML{})
	}
	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithAttribute()),
	)
	return &Renderer{md: md, opts: opts}
}

// Render converts p.Body to HTML for the page's own URL. Problems (broken
// links, duplicate ids) are returned as diagnostics; the page is still
// rendered. It is RenderWith with zero RenderOptions.
func (r *Renderer) Render(p *content.Page, resolve Resolver) (*content.Doc, []diag.Diagnostic) {
	return r.RenderWith(p, resolve, RenderOptions{})
}

// RenderWith is Render with ids prefixed and link targets chosen as o says.
func (r *Renderer) RenderWith(p *content.Page, resolve Resolver, o RenderOptions) (*content.Doc, []diag.Diagnostic) {
	src := p.Body
	doc := r.md.Parser().Parse(text.NewReader(src))
	st := &state{page: p, src: src, resolve: resolve, opts: r.opts, ro: o}
	st.process(doc)
	if o.IDPrefix != "" {
		setFootnoteIDPrefix(doc, o.IDPrefix)
	}

	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		st.errorf(0, "rendering failed: %v", err)
	}
	st.doc.HTML = template.HTML(buf.String())
	return &st.doc, st.diags
}

type state struct {
	page    *content.Page
	src     []byte
	resolve Resolver
	opts    Options
	ro      RenderOptions
	doc     content.Doc
	diags   []diag.Diagnostic
}

// errorf records a diagnostic at a byte offset in the body (negative: unknown).
func (st *state) errorf(off int, format string, args ...any) {
	line, col := 0, 0
	if off >= 0 {
		line, col = diag.LineCol(st.src, off)
		line += st.page.BodyLine - 1
	}
	st.diags = append(st.diags, diag.New(st.page.Path, line, col, format, args...))
}

func (st *state) process(doc ast.Node) {
	st.doc.Anchors = map[string]bool{}
	ids := newIDSet()

	// Explicit ids first, so that generated ones never take them.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if v, ok := n.AttributeString("id"); ok {
			id := attrString(v)
			if !ids.Take(id) {
				st.errorf(blockOffset(n), "duplicate id %q on this page", id)
			}
		}
		return ast.WalkContinue, nil
	})

	tocLevel := map[int]bool{}
	for _, l := range st.opts.TOCLevels {
		tocLevel[l] = true
	}
	var cur *content.Section
	intro := content.Section{}
	cur = &intro
	var sb strings.Builder
	cont := -1 // the section that text after a definition list goes back to
	flush := func() {
		cur.Text = strings.TrimSpace(sb.String())
		sb.Reset()
		if cont >= 0 {
			if cur.Text != "" {
				st.doc.Sections[cont].Text = strings.TrimSpace(st.doc.Sections[cont].Text + "\n" + cur.Text)
			}
			cont = -1
			return
		}
		if cur.ID != "" || cur.Text != "" {
			st.doc.Sections = append(st.doc.Sections, *cur)
		}
	}

	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			txt := plainText(h, st.src)
			id, ok := h.AttributeString("id")
			var sid string
			if ok {
				sid = attrString(id)
			} else {
				sid = ids.Unique(txt)
				h.SetAttributeString("id", []byte(sid))
			}
			heading := content.Heading{Level: h.Level, ID: st.ro.IDPrefix + sid, Text: txt}
			st.doc.Headings = append(st.doc.Headings, heading)
			if tocLevel[h.Level] {
				st.doc.TOC = append(st.doc.TOC, heading)
			}
			if h.Level == 2 || h.Level == 3 {
				flush()
				cur = &content.Section{ID: st.ro.IDPrefix + sid, Heading: txt, Level: h.Level}
				continue
			}
		}
		if dl, ok := n.(*extast.DefinitionList); ok {
			// Each term of a definition list (a glossary) is a section of
			// its own for the search: "what is a VEP" finds its entry.
			// Text after the list goes back to the enclosing section.
			parent, parentAt := *cur, -1
			for c := dl.FirstChild(); c != nil; c = c.NextSibling() {
				if dt, ok := c.(*extast.DefinitionTerm); ok {
					txt := plainText(dt, st.src)
					var sid string
					if id, ok := dt.AttributeString("id"); ok {
						sid = attrString(id)
					} else {
						sid = ids.Unique(txt)
						dt.SetAttributeString("id", []byte(sid))
					}
					before := len(st.doc.Sections)
					flush()
					if parentAt < 0 && len(st.doc.Sections) > before {
						parentAt = before // the enclosing section, just kept
					}
					cur = &content.Section{ID: st.ro.IDPrefix + sid, Heading: txt, Level: 4}
					continue
				}
				if t := plainText(c, st.src); t != "" {
					sb.WriteString(t)
					sb.WriteByte('\n')
				}
			}
			flush()
			parent.Text = ""
			cur = &parent
			cont = parentAt
			continue
		}
		if _, ok := n.(*ast.Paragraph); ok && st.doc.Excerpt == "" {
			st.doc.Excerpt = excerpt(plainText(n, st.src), 300)
		}
		if n.Kind() != extast.KindFootnoteList {
			if t := plainText(n, st.src); t != "" {
				sb.WriteString(t)
				sb.WriteByte('\n')
			}
		}
	}
	flush()

	// Inline and nested work: anchors for other headings, definition terms,
	// links and images, dangerous URLs.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := n.(type) {
		case *ast.Heading:
			if _, ok := x.AttributeString("id"); !ok {
				x.SetAttributeString("id", []byte(ids.Unique(plainText(x, st.src))))
			}
		case *extast.DefinitionTerm:
			if _, ok := x.AttributeString("id"); !ok {
				x.SetAttributeString("id", []byte(ids.Unique(plainText(x, st.src))))
			}
		case *ast.Link:
			st.link(n, &x.Destination, false)
		case *ast.Image:
			st.link(n, &x.Destination, true)
		}
		return ast.WalkContinue, nil
	})
	reserved := map[string]bool{}
	for _, r := range ReservedIDs {
		reserved[r] = true
	}
	for _, id := range ids.Used() {
		if !reserved[id] {
			st.doc.Anchors[st.ro.IDPrefix+id] = true
		}
	}
	if st.ro.IDPrefix != "" {
		prefixIDs(doc, st.ro.IDPrefix)
	}
	// Footnote anchors.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*extast.Footnote); ok && entering {
			st.doc.Anchors[fmt.Sprintf("%sfn:%d", st.ro.IDPrefix, f.Index)] = true
		}
		return ast.WalkContinue, nil
	})
	for _, s := range st.doc.Sections {
		st.doc.Words += countWords(s.Text)
	}
}

func attrString(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func (st *state) link(n ast.Node, dest *[]byte, image bool) {
	raw := string(*dest)
	if isDangerousURL(raw) {
		*dest = []byte("#")
		st.errorf(inlineOffset(n, st.src), "unsafe URL %q removed", truncate(raw, 60))
		return
	}
	if st.resolve == nil {
		return
	}
	u, l, err := st.resolve(st.page, raw, image)
	if err != nil {
		st.errorf(inlineOffset(n, st.src), "%v", err)
		return
	}
	if l != nil {
		l.Line, l.Col = diag.LineCol(st.src, max(inlineOffset(n, st.src), 0))
		l.Line += st.page.BodyLine - 1
		l.Dest = raw
		l.Image = image
		switch {
		case len(u) > 1 && u[0] == '#':
			// A same-page fragment: its id carries the prefix.
			if st.ro.IDPrefix != "" {
				u = "#" + st.ro.IDPrefix + u[1:]
			}
		case st.ro.Href != nil:
			u = st.ro.Href(l, u)
		}
		st.doc.Links = append(st.doc.Links, *l)
	}
	*dest = []byte(u)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func isDangerousURL(u string) bool {
	s := strings.ToLower(strings.TrimSpace(u))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.HasPrefix(s, "javascript:") || strings.HasPrefix(s, "vbscript:") ||
		(strings.HasPrefix(s, "data:") && !strings.HasPrefix(s, "data:image/"))
}

// inlineOffset finds the byte offset of an inline node in the body: the
// opening "[" (or "![") before its first text, else its block's start.
func inlineOffset(n ast.Node, src []byte) int {
	var first *ast.Text
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			first = t
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if first != nil {
		off := first.Segment.Start
		for i := off - 1; i >= 0 && i >= off-4; i-- {
			if src[i] == '[' {
				if i > 0 && src[i-1] == '!' {
					return i - 1
				}
				return i
			}
		}
		return off
	}
	return blockOffset(n)
}

// blockOffset returns the offset of the block holding n, or -1.
func blockOffset(n ast.Node) int {
	for b := n; b != nil; b = b.Parent() {
		if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
			return b.Lines().At(0).Start
		}
		if b.Type() == ast.TypeBlock {
			for c := b.FirstChild(); c != nil; c = c.FirstChild() {
				if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
					return c.Lines().At(0).Start
				}
			}
		}
	}
	return -1
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, ",;:.") + "…"
}
