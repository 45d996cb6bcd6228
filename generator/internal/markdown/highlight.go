// Highlighting: fenced code blocks with a known language are highlighted at
// build time by chroma, with CSS classes rather than inline styles
// (<div class="highlight" data-lang="go"><pre class="chroma">…); others are
// written as plain escaped code. ChromaCSS gives the matching stylesheet.

package markdown

import (
	"fmt"
	"html"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Highlighting is the goldmark extension that renders fenced code with
// chroma.
type Highlighting struct{}

// Extend implements goldmark.Extender.
func (e Highlighting) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(codeRenderer{}, 100),
	))
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

// codeRenderer renders fenced code blocks.
type codeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (r codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

func (r codeRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	code := segmentsText(n.Lines(), src)
	lang := ""
	if n.Info != nil {
		info := string(n.Info.Segment.Value(src))
		if f := strings.Fields(info); len(f) > 0 {
			lang = strings.ToLower(strings.Trim(f[0], "{}."))
		}
	}
	lexer := lexers.Get(lang)
	if lang == "" || lexer == nil {
		_, _ = w.WriteString(`<pre class="chroma" tabindex="0"><code>`)
		_, _ = w.WriteString(html.EscapeString(code))
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, `<div class="highlight" data-lang="%s">`, html.EscapeString(lang))
	it, err := lexer.Tokenise(nil, code)
	if err == nil {
		err = codeFormatter.Format(w, styles.Fallback, it)
	}
	if err != nil {
		_, _ = w.WriteString(`<pre class="chroma" tabindex="0"><code>`)
		_, _ = w.WriteString(html.EscapeString(code))
		_, _ = w.WriteString("</code></pre>")
	}
	_, _ = w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
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
	b.WriteString("@media screen and (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&b, ds); err != nil {
		return "", err
	}
	b.WriteString("}\n")
	return b.String(), nil
}
