// Callouts: GitHub-style alerts. A blockquote whose first line is [!NOTE],
// [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION] (any case, optionally
// followed by a title) becomes an <aside class="callout callout-TYPE"> with a
// title line; the default title and the aside's label are the translated
// text of callout.TYPE.

package markdown

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Callouts is the goldmark extension for callouts: it replaces marked
// blockquotes with Callout nodes and renders them.
type Callouts struct {
	// Text returns the translated text of a key (see Options.Text).
	Text func(key string, args ...any) string
}

// Extend implements goldmark.Extender.
func (e Callouts) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(calloutTransformer{}, 500),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(calloutRenderer{text: e.Text}, 100),
	))
}

// KindCallout is the node kind of a callout.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a GitHub-style alert: a blockquote starting with [!NOTE],
// [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION], optionally followed by a
// title on the same line.
type Callout struct {
	ast.BaseBlock
	Variant string // lower case: note, tip, important, warning, caution
	Title   string // custom title, or "" for the default
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Variant": n.Variant, "Title": n.Title}, nil)
}

// calloutKeys maps each callout marker (syntax, lower case) to the text key
// of its default title.
var calloutKeys = map[string]string{
	"note":      "callout.note",
	"tip":       "callout.tip",
	"important": "callout.important",
	"warning":   "callout.warning",
	"caution":   "callout.caution",
}

type calloutTransformer struct{}

// Transform replaces marked blockquotes with Callout nodes.
func (calloutTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bq, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, bq)
		}
		return ast.WalkContinue, nil
	})
	for _, bq := range quotes {
		para, ok := bq.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			continue
		}
		first := para.Lines().At(0)
		line := first.Value(src)
		typ, title, ok := parseMarker(line)
		if !ok {
			continue
		}
		c := &Callout{Variant: typ, Title: title}
		// Drop the marker line from the paragraph: remove inline nodes whose
		// text lies on the first line.
		for n := para.FirstChild(); n != nil; {
			next := n.NextSibling()
			if t, ok := n.(*ast.Text); ok {
				if t.Segment.Start >= first.Start && t.Segment.Stop <= first.Stop {
					para.RemoveChild(para, n)
					if t.SoftLineBreak() || t.HardLineBreak() {
						break
					}
					n = next
					continue
				}
			}
			break
		}
		lines := para.Lines()
		rest := text.NewSegments()
		for i := 1; i < lines.Len(); i++ {
			rest.Append(lines.At(i))
		}
		para.SetLines(rest)
		parent := bq.Parent()
		for child := bq.FirstChild(); child != nil; {
			next := child.NextSibling()
			if child == para && para.ChildCount() == 0 {
				child = next
				continue
			}
			c.AppendChild(c, child)
			child = next
		}
		c.SetLines(bq.Lines())
		parent.ReplaceChild(parent, bq, c)
	}
}

// parseMarker recognises "[!TYPE]" and an optional title at the start of a line.
func parseMarker(line []byte) (typ, title string, ok bool) {
	line = bytes.TrimSpace(line)
	if !bytes.HasPrefix(line, []byte("[!")) {
		return "", "", false
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 {
		return "", "", false
	}
	typ = strings.ToLower(string(line[2:end]))
	if _, known := calloutKeys[typ]; !known {
		return "", "", false
	}
	return typ, strings.TrimSpace(string(line[end+1:])), true
}

// calloutRenderer renders Callout nodes.
type calloutRenderer struct {
	text func(key string, args ...any) string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.render)
}

func (r calloutRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	if entering {
		label := lookup(r.text, calloutKeys[n.Variant])
		title := n.Title
		if title == "" {
			title = label
		}
		fmt.Fprintf(w, "<aside class=\"callout callout-%s\" role=\"note\" aria-label=\"%s\">\n<p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>%s</p>\n",
			n.Variant, html.EscapeString(label), html.EscapeString(title))
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("</aside>\n")
	return ast.WalkContinue, nil
}
