package markdown

import (
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"vepkb/generator/internal/slug"
)

type idSet struct{ *slug.IDs }

func newIDSet() idSet {
	s := idSet{slug.NewIDs(ReservedIDs...)}
	return s
}

// Unique returns a unique id made from text.
func (s idSet) Unique(txt string) string {
	return s.IDs.Unique(slug.Make(txt), "section")
}

// plainText returns the text content of n: what a reader sees, without
// markup, with typographer entities decoded, spaces folded and blank lines
// dropped.
func plainText(n ast.Node, src []byte) string {
	var w textWriter
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch x := c.(type) {
			case *ast.Text:
				w.write(x.Segment.Value(src))
				if x.SoftLineBreak() || x.HardLineBreak() {
					w.space()
				}
			case *ast.String:
				w.write([]byte(html.UnescapeString(string(x.Value))))
			case *ast.RawHTML, *ast.HTMLBlock:
				// Markup is not text.
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				lines := x.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					w.write(seg.Value(src))
				}
				w.newline()
			case *extast.FootnoteLink, *extast.FootnoteBacklink:
				// Footnote markers are not text.
			default:
				walk(c)
				if c.Type() == ast.TypeBlock {
					w.newline()
				}
			}
		}
	}
	walk(n)
	return w.b.String()
}

// segmentsText returns the source text of segs, concatenated.
func segmentsText(segs *text.Segments, src []byte) string {
	var b strings.Builder
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// textWriter accumulates text, folding runs of spaces into one and runs of
// line breaks into one, with nothing leading or trailing.
type textWriter struct {
	b       strings.Builder
	pending byte // 0, ' ' or '\n'
}

func (w *textWriter) space() {
	if w.b.Len() > 0 && w.pending == 0 {
		w.pending = ' '
	}
}

func (w *textWriter) newline() {
	if w.b.Len() > 0 {
		w.pending = '\n'
	}
}

func (w *textWriter) write(p []byte) {
	for _, c := range p {
		switch c {
		case ' ', '\t', '\r', '\v', '\f':
			w.space()
		case '\n':
			w.newline()
		default:
			if w.pending != 0 {
				w.b.WriteByte(w.pending)
				w.pending = 0
			}
			w.b.WriteByte(c)
		}
	}
}

// countWords counts runs of non-space characters.
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		sp := c == ' ' || c == '\n' || c == '\t' || c == '\r'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// prefixIDs puts prefix before the id attribute of every node under doc.
func prefixIDs(doc ast.Node, prefix string) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if v, ok := n.AttributeString("id"); ok {
			n.SetAttributeString("id", []byte(prefix+attrString(v)))
		}
		return ast.WalkContinue, nil
	})
}

// footnoteIDPrefixKey is the Document metadata key holding the footnote id
// prefix of one render.
const footnoteIDPrefixKey = "vepkb/markdown.footnoteIDPrefix"

// setFootnoteIDPrefix stores the id prefix of doc's footnotes, read by
// footnoteIDPrefix while doc renders. goldmark writes the prefix as is, so
// it is stored HTML-escaped, as heading ids are written.
func setFootnoteIDPrefix(doc ast.Node, prefix string) {
	if d, ok := doc.(*ast.Document); ok {
		d.AddMeta(footnoteIDPrefixKey, util.EscapeHTML([]byte(prefix)))
	}
}

// footnoteIDPrefix gives goldmark's footnote renderer the prefix of the
// document n belongs to (none unless setFootnoteIDPrefix set one), so that a
// single goldmark instance serves every prefix.
func footnoteIDPrefix(n ast.Node) []byte {
	d := n.OwnerDocument()
	if d == nil {
		return nil
	}
	b, _ := d.Meta()[footnoteIDPrefixKey].([]byte)
	return b
}
