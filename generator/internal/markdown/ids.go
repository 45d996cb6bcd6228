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

// collapse folds runs of spaces within lines and drops blank lines, in one
// pass without splitting into words.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false
	for _, r := range s {
		switch r {
		case '\n':
			if b.Len() > 0 {
				newline = true
			}
			space = false
		case ' ', '\t', '\r', '\v', '\f', '\u00a0':
			if b.Len() > 0 && !newline {
				space = true
			}
		default:
			if newline {
				b.WriteByte('\n')
			} else if space {
				b.WriteByte(' ')
			}
			space, newline = false, false
			b.WriteRune(r)
		}
	}
	return b.String()
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
