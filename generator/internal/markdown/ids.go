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
// markup, with typographer entities decoded.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch x := c.(type) {
			case *ast.Text:
				b.Write(x.Segment.Value(src))
				if x.SoftLineBreak() || x.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.WriteString(html.UnescapeString(string(x.Value)))
			case *ast.RawHTML, *ast.HTMLBlock:
				// Markup is not text.
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				lines := x.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				b.WriteByte('\n')
			case *extast.FootnoteLink, *extast.FootnoteBacklink:
				// Footnote markers are not text.
			default:
				walk(c)
				if c.Type() == ast.TypeBlock {
					b.WriteByte('\n')
				}
			}
		}
	}
	walk(n)
	return strings.TrimSpace(collapse(b.String()))
}

// collapse folds runs of spaces within lines and drops blank lines.
func collapse(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
