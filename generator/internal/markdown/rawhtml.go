// Safe raw HTML: when a site allows raw HTML (markup.unsafe = true), it is
// passed through with javascript:, vbscript: and non-image data: URLs in
// URL-bearing attributes and inline event handlers (onclick= …) neutralised.
// Without this extension goldmark escapes raw HTML.

package markdown

import (
	"io"
	"regexp"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// SafeRawHTML is the goldmark extension that lets raw HTML through,
// sanitised by SanitizeRawHTML. It turns on goldmark's unsafe mode.
type SafeRawHTML struct{}

// Extend implements goldmark.Extender.
func (e SafeRawHTML) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(
		gmhtml.WithUnsafe(),
		renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{}, 100)),
	)
}

// jsURL matches URL-bearing attributes whose value starts with a dangerous scheme.
var jsURL = regexp.MustCompile(`(?i)((?:href|src|action|formaction|xlink:href|poster|data)\s*=\s*["']?)\s*(?:javascript|vbscript|data(?:[^:i]|i[^m]|im[^a]|ima[^g]|imag[^e])[^:]*):`)

// eventAttr matches inline event handlers such as onclick=.
var eventAttr = regexp.MustCompile(`(?i)(\s)on[a-z]+\s*=`)

// SanitizeRawHTML neutralises javascript: (and similar) URLs and inline event
// handlers in raw HTML that the site allows through.
func SanitizeRawHTML(s string) string {
	s = jsURL.ReplaceAllString(s, "${1}#blocked:")
	return eventAttr.ReplaceAllString(s, "${1}data-blocked-on=")
}

// rawHTMLRenderer renders inline raw HTML and HTML blocks, sanitised.
type rawHTMLRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (r rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, r.rawHTML)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
}

func (r rawHTMLRenderer) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	_, _ = io.WriteString(w, SanitizeRawHTML(segmentsText(n.Segments, src)))
	return ast.WalkSkipChildren, nil
}

func (r rawHTMLRenderer) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if entering {
		_, _ = io.WriteString(w, SanitizeRawHTML(segmentsText(n.Lines(), src)))
	} else if n.HasClosure() {
		_, _ = io.WriteString(w, SanitizeRawHTML(string(n.ClosureLine.Value(src))))
	}
	return ast.WalkContinue, nil
}
