package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

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

// CalloutTypes maps each callout marker to its default title.
var CalloutTypes = map[string]string{
	"note":      "Note",
	"tip":       "Tip",
	"important": "Important",
	"warning":   "Warning",
	"caution":   "Caution",
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
	if _, known := CalloutTypes[typ]; !known {
		return "", "", false
	}
	return typ, strings.TrimSpace(string(line[end+1:])), true
}
