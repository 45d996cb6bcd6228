package markdown

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer renders headings with permalinks, callouts, highlighted code
// and (when raw HTML is allowed) raw HTML without javascript: URLs.
type nodeRenderer struct {
	unsafe bool
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(KindCallout, r.callout)
	reg.Register(ast.KindFencedCodeBlock, r.fencedCode)
	if r.unsafe {
		reg.Register(ast.KindRawHTML, r.rawHTML)
		reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	}
}

func (r *nodeRenderer) heading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	if entering {
		fmt.Fprintf(w, "<h%d", n.Level)
		if n.Attributes() != nil {
			gmhtml.RenderAttributes(w, node, gmhtml.HeadingAttributeFilter)
		}
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok {
		sid := html.EscapeString(attrString(id))
		label := html.EscapeString("Link to this section: " + plainText(n, src))
		fmt.Fprintf(w, ` <a class="anchor" href="#%s" aria-label="%s"><span aria-hidden="true">#</span></a>`, sid, label)
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) callout(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	if entering {
		title := n.Title
		if title == "" {
			title = CalloutTypes[n.Variant]
		}
		fmt.Fprintf(w, "<aside class=\"callout callout-%s\" role=\"note\" aria-label=\"%s\">\n<p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>%s</p>\n",
			n.Variant, html.EscapeString(CalloutTypes[n.Variant]), html.EscapeString(title))
		return ast.WalkContinue, nil
	}
	w.WriteString("</aside>\n")
	return ast.WalkContinue, nil
}

var codeFormatter = chromahtml.New(
	chromahtml.WithClasses(true),
	chromahtml.TabWidth(4),
	chromahtml.WithPreWrapper(preWrapper{}),
)

type preWrapper struct{}

func (preWrapper) Start(code bool, styleAttr string) string {
	return `<pre class="chroma" tabindex="0"><code>`
}
func (preWrapper) End(code bool) string { return "</code></pre>" }

func (r *nodeRenderer) fencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	lang := ""
	if n.Info != nil {
		info := string(n.Info.Segment.Value(src))
		if f := strings.Fields(info); len(f) > 0 {
			lang = strings.ToLower(strings.Trim(f[0], "{}."))
		}
	}
	lexer := lexers.Get(lang)
	if lang == "" || lexer == nil {
		w.WriteString(`<pre class="chroma" tabindex="0"><code>`)
		w.WriteString(html.EscapeString(code.String()))
		w.WriteString("</code></pre>\n")
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, `<div class="highlight" data-lang="%s">`, html.EscapeString(lang))
	it, err := lexer.Tokenise(nil, code.String())
	if err == nil {
		err = codeFormatter.Format(w, styles.Fallback, it)
	}
	if err != nil {
		w.WriteString(`<pre class="chroma" tabindex="0"><code>`)
		w.WriteString(html.EscapeString(code.String()))
		w.WriteString("</code></pre>")
	}
	w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
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

func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var b strings.Builder
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		b.Write(seg.Value(src))
	}
	io.WriteString(w, SanitizeRawHTML(b.String()))
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if entering {
		var b strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(src))
		}
		io.WriteString(w, SanitizeRawHTML(b.String()))
	} else if n.HasClosure() {
		io.WriteString(w, SanitizeRawHTML(string(n.ClosureLine.Value(src))))
	}
	return ast.WalkContinue, nil
}

// ChromaCSS returns the highlighting CSS for a light and a dark style; the
// dark one applies under prefers-color-scheme: dark.
func ChromaCSS(light, dark string) (string, error) {
	var b strings.Builder
	ls, ds := styles.Registry[light], styles.Registry[dark]
	if ls == nil || ds == nil {
		return "", fmt.Errorf("unknown highlight style %q or %q", light, dark)
	}
	f := chromahtml.New(chromahtml.WithClasses(true))
	if err := f.WriteCSS(&b, ls); err != nil {
		return "", err
	}
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&b, ds); err != nil {
		return "", err
	}
	b.WriteString("}\n")
	return b.String(), nil
}
