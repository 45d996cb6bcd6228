package markdown

import (
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"

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
