package markdown

import (
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindTableWrap is the node kind of a table's scroll container.
var KindTableWrap = ast.NewNodeKind("TableWrap")

// TableWrap holds a table in a keyboard-scrollable region, so that wide
// tables scroll sideways on a phone while keeping table semantics.
type TableWrap struct{ ast.BaseBlock }

// Kind implements ast.Node.
func (n *TableWrap) Kind() ast.NodeKind { return KindTableWrap }

// Dump implements ast.Node.
func (n *TableWrap) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

type tableWrapTransformer struct{}

func (tableWrapTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var tables []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Kind() == extast.KindTable {
			tables = append(tables, n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, t := range tables {
		w := &TableWrap{}
		parent := t.Parent()
		parent.ReplaceChild(parent, t, w)
		w.AppendChild(w, t)
	}
}

type tableWrapRenderer struct{}

func (tableWrapRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindTableWrap, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(`<div class="table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways)">` + "\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}
