// Heading permalinks: every heading that has an id ends with a permalink,
// <a class="anchor" href="#ID">, labelled with the translated text of
// heading.permalink (argument "title": the heading's text). The ids
// themselves are assigned per render (see state.process in markdown.go).

package markdown

import (
	"fmt"
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// HeadingPermalinks is the goldmark extension that renders headings with a
// permalink to their id.
type HeadingPermalinks struct {
	// Text returns the translated text of a key (see Options.Text).
	Text func(key string, args ...any) string
}

// Extend implements goldmark.Extender.
func (e HeadingPermalinks) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(headingRenderer{text: e.Text}, 100),
	))
}

// headingRenderer renders headings with their attributes and permalink.
type headingRenderer struct {
	text func(key string, args ...any) string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.render)
}

func (r headingRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	if entering {
		fmt.Fprintf(w, "<h%d", n.Level)
		if n.Attributes() != nil {
			gmhtml.RenderAttributes(w, node, gmhtml.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok {
		sid := html.EscapeString(attrString(id))
		label := html.EscapeString(lookup(r.text, "heading.permalink", "title", plainText(n, src)))
		fmt.Fprintf(w, ` <a class="anchor" href="#%s" aria-label="%s"><span aria-hidden="true">#</span></a>`, sid, label)
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}
