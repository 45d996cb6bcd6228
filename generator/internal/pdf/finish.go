package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Meta is the document information of a PDF.
type Meta struct {
	Title, Author, Subject, Keywords string
	Creator                          string    // the generator
	Date                             time.Time // creation and modification date: from the content, not the clock
}

// Item is one bookmark: a title, the named destination it opens and its
// level (1 is the top).
type Item struct {
	Title string
	Dest  string
	Level int
}

// dates are the creation and modification dates Chromium writes, always
// in this form when it runs with TZ=UTC.
var dates = regexp.MustCompile(`/(CreationDate|ModDate) \(D:\d{14}\+00'00'\)`)

// nodeIDs are the ids Chromium gives the elements of the structure tree
// (tagged PDF), numbered from a counter of its renderer: they differ from
// one print to the next, so Finish numbers them in order of appearance.
var nodeIDs = regexp.MustCompile(`\(node(\d{8})\)`)

var startxref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// Finish makes a printed PDF ready to hand out: the clock's dates become
// m.Date, and an incremental update adds the document information, an
// outline of items (bookmarks, in a tree by level) and a document ID that
// hashes the content. The same input gives the same bytes. l must be Read
// from data.
func Finish(data []byte, l *Layout, m Meta, items []Item) ([]byte, error) {
	when := []byte(m.Date.UTC().Format("D:20060102150405") + "+00'00'")
	out := dates.ReplaceAllFunc(bytes.Clone(data), func(b []byte) []byte {
		i := bytes.IndexByte(b, '(')
		return append(append(b[:i+1:i+1], when...), ')')
	})
	renum := map[string][]byte{}
	out = nodeIDs.ReplaceAllFunc(out, func(b []byte) []byte {
		k := string(b)
		if r, ok := renum[k]; ok {
			return r
		}
		r := []byte(fmt.Sprintf("(node%08d)", len(renum)+1))
		renum[k] = r
		return r
	})
	sx := startxref.FindSubmatch(out)
	if sx == nil {
		return nil, errors.New("the PDF has no startxref")
	}
	prev, _ := strconv.Atoi(string(sx[1]))
	xt := l.ctx.XRefTable
	if xt.Size == nil || xt.Root == nil {
		return nil, errors.New("the PDF's trailer has no /Size or /Root")
	}
	size := *xt.Size
	root, err := xt.Catalog()
	if err != nil {
		return nil, err
	}

	// Objects of the update, numbered from size: the document information,
	// the outline's root, then one per item.
	var objs []string
	next := size
	newRef := func() int { next++; return next - 1 }
	infoNr := newRef()
	info := fmt.Sprintf("<</Title %s/Author %s/Subject %s/Keywords %s/Creator %s/Producer %s/CreationDate (%s)/ModDate (%s)>>",
		text(m.Title), text(m.Author), text(m.Subject), text(m.Keywords), text(m.Creator), text("Chromium (Skia/PDF)"), when, when)
	objs = append(objs, info)

	var kept []Item
	for _, it := range items {
		if _, ok := l.destArrays[it.Dest]; ok {
			kept = append(kept, it)
		}
	}
	catalog := root.Clone().(types.Dict)
	if len(kept) > 0 {
		outlineNr := newRef()
		tree := buildTree(kept)
		nrs := make([]int, len(tree.nodes))
		for i := range tree.nodes {
			nrs[i] = newRef()
		}
		objs = append(objs, fmt.Sprintf("<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>", nrs[tree.top[0]], nrs[tree.top[len(tree.top)-1]], len(tree.top)))
		for _, n := range tree.nodes {
			parent := outlineNr
			if n.parent >= 0 {
				parent = nrs[n.parent]
			}
			var b bytes.Buffer
			fmt.Fprintf(&b, "<</Title %s/Parent %d 0 R/Dest %s", text(n.item.Title), parent, l.destArrays[n.item.Dest])
			if n.prev >= 0 {
				fmt.Fprintf(&b, "/Prev %d 0 R", nrs[n.prev])
			}
			if n.next >= 0 {
				fmt.Fprintf(&b, "/Next %d 0 R", nrs[n.next])
			}
			if len(n.kids) > 0 {
				// Chapters start closed: the top level reads as a table of contents.
				fmt.Fprintf(&b, "/First %d 0 R/Last %d 0 R/Count %d", nrs[n.kids[0]], nrs[n.kids[len(n.kids)-1]], -len(n.kids))
			}
			b.WriteString(">>")
			objs = append(objs, b.String())
		}
		catalog.Update("Outlines", *types.NewIndirectRef(outlineNr, 0))
		catalog.Update("PageMode", types.Name("UseOutlines"))
	}

	var b bytes.Buffer
	b.Write(out)
	if !bytes.HasSuffix(out, []byte("\n")) {
		b.WriteByte('\n')
	}
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", size+i, o)
	}
	rootNr, rootGen := xt.Root.ObjectNumber.Value(), xt.Root.GenerationNumber.Value()
	rootOff := b.Len()
	fmt.Fprintf(&b, "%d %d obj\n%s\nendobj\n", rootNr, rootGen, catalog.PDFString())

	sum := sha256.Sum256(b.Bytes())
	id := hex.EncodeToString(sum[:16])
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d %05d n \n%d %d\n", rootNr, rootOff, rootGen, size, len(objs))
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root %d %d R/Info %d 0 R/Prev %d/ID [<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n",
		next, rootNr, rootGen, infoNr, prev, id, id, xref)
	return b.Bytes(), nil
}

// text encodes s as a PDF text string (UTF-16BE with a byte order mark).
func text(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

type node struct {
	item               Item
	parent, prev, next int
	kids               []int
}

type tree struct {
	nodes []node
	top   []int
}

// buildTree nests items by level: an item is the child of the nearest item
// before it with a lower level.
func buildTree(items []Item) tree {
	var t tree
	var stack []int // open ancestors
	for i, it := range items {
		for len(stack) > 0 && items[stack[len(stack)-1]].Level >= it.Level {
			stack = stack[:len(stack)-1]
		}
		n := node{item: it, parent: -1, prev: -1, next: -1}
		siblings := &t.top
		if len(stack) > 0 {
			n.parent = stack[len(stack)-1]
			siblings = &t.nodes[n.parent].kids
		}
		if k := len(*siblings); k > 0 {
			n.prev = (*siblings)[k-1]
			t.nodes[n.prev].next = i
		}
		*siblings = append(*siblings, i)
		t.nodes = append(t.nodes, n)
		stack = append(stack, i)
	}
	return t
}
