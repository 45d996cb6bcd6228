// Table wrapping: every table is put in a keyboard-scrollable region
// (<div class="table-wrap" tabindex="0" role="region">), so that wide tables
// scroll sideways on a phone while keeping table semantics. The region's
// label is the translated text of table.scrolls, with the table's number on
// the page (regions are landmarks: each needs a name of its own). An empty cell of the header
// row (the corner of a table whose first column labels the rows) is a <td>:
// a header cell with no text names nothing.

package markdown

import (
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// TableWrapping is the goldmark extension that wraps tables in a TableWrap
// node and renders it. It needs goldmark's table extension.
type TableWrapping struct {
	// Text returns the translated text of a key (see Options.Text).
	Text func(key string, args ...any) string
}

// Extend implements goldmark.Extender.
func (e TableWrapping) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(tableWrapTransformer{}, 600),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(tableWrapRenderer{text: e.Text}, 100),
	))
}

// KindTableWrap is the node kind of a table's scroll container.
var KindTableWrap = ast.NewNodeKind("TableWrap")

// TableWrap holds a table in a keyboard-scrollable region.
type TableWrap struct {
	ast.BaseBlock
	// Number counts the page's tables from 1: regions are landmarks, and
	// each needs a name of its own.
	Number int
}

// Kind implements ast.Node.
func (n *TableWrap) Kind() ast.NodeKind { return KindTableWrap }

// Dump implements ast.Node.
func (n *TableWrap) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

type tableWrapTransformer struct{}

// Transform puts every table into a TableWrap.
func (tableWrapTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var tables []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Kind() == extast.KindTable {
			tables = append(tables, n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for i, t := range tables {
		w := &TableWrap{Number: i + 1}
		parent := t.Parent()
		parent.ReplaceChild(parent, t, w)
		w.AppendChild(w, t)
	}
}

// tableWrapRenderer renders TableWrap nodes.
type tableWrapRenderer struct {
	text func(key string, args ...any) string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r tableWrapRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindTableWrap, r.render)
	reg.Register(extast.KindTableCell, r.cell)
}

// cell renders a table cell as goldmark's table extension does with
// alignment as an attribute (markdown.New's setting), except that an empty
// header cell is a <td>.
func (r tableWrapRenderer) cell(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*extast.TableCell)
	tag := "td"
	if n.Parent().Kind() == extast.KindTableHeader && n.HasChildren() {
		tag = "th"
	}
	if entering {
		_, _ = w.WriteString("<" + tag)
		if n.Alignment != extast.AlignNone {
			if _, ok := n.AttributeString("align"); !ok {
				_, _ = w.WriteString(` align="` + n.Alignment.String() + `"`)
			}
		}
		if n.Attributes() != nil {
			filter := extension.TableTdCellAttributeFilter
			if tag == "th" {
				filter = extension.TableThCellAttributeFilter
			}
			gmhtml.RenderAttributes(w, n, filter)
		}
		_ = w.WriteByte('>')
	} else {
		_, _ = w.WriteString("</" + tag + ">\n")
	}
	return ast.WalkContinue, nil
}

func (r tableWrapRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="table-wrap" tabindex="0" role="region" aria-label="`)
		_, _ = w.WriteString(html.EscapeString(lookup(r.text, "table.scrolls", "number", n.(*TableWrap).Number)))
		_, _ = w.WriteString("\">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}
