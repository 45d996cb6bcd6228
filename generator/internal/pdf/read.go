package pdf

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Layout is what a printed PDF says about its pages.
type Layout struct {
	Pages int
	// Dests gives the page (from 1) of each named destination: Chromium
	// makes one for every element a same-document link points at.
	Dests map[string]int
	// destArrays are the destinations as written ([page /XYZ x y z]), for
	// the outline.
	destArrays map[string]string
	ctx        *model.Context
}

// Read parses a PDF Chromium printed.
func Read(data []byte) (*Layout, error) {
	if !isPDF(data) {
		return nil, errors.New("not a PDF")
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		return nil, fmt.Errorf("reading the PDF: %w", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("reading the PDF's pages: %w", err)
	}
	l := &Layout{Pages: ctx.PageCount, Dests: map[string]int{}, destArrays: map[string]string{}, ctx: ctx}
	root, err := ctx.Catalog()
	if err != nil {
		return nil, err
	}
	obj, ok := root.Find("Dests")
	if !ok {
		return l, nil
	}
	dests, err := ctx.DereferenceDict(obj)
	if err != nil {
		return nil, fmt.Errorf("reading the PDF's destinations: %w", err)
	}
	for name, v := range dests {
		arr, err := ctx.DereferenceArray(v)
		if err != nil || len(arr) == 0 {
			continue
		}
		ref, ok := arr[0].(types.IndirectRef)
		if !ok {
			continue
		}
		n, err := ctx.PageNumber(ref.ObjectNumber.Value())
		if err != nil {
			continue
		}
		l.Dests[name] = n
		l.destArrays[name] = arr.PDFString()
	}
	return l, nil
}

// Bookmark is an entry of a PDF's outline, as a reader shows it.
type Bookmark struct {
	Title string
	Level int
	Page  int
}

// Outline reads a PDF's outline (bookmarks), depth first.
func Outline(data []byte) ([]Bookmark, error) {
	l, err := Read(data)
	if err != nil {
		return nil, err
	}
	// pdfcpu finds the outline through the context its validation fills.
	root, err := l.ctx.Catalog()
	if err != nil {
		return nil, err
	}
	if o, ok := root.Find("Outlines"); ok {
		if l.ctx.Outlines, err = l.ctx.DereferenceDict(o); err != nil {
			return nil, err
		}
	}
	bms, err := pdfcpu.Bookmarks(l.ctx)
	if err != nil {
		return nil, err
	}
	var out []Bookmark
	var walk func(bs []pdfcpu.Bookmark, level int)
	walk = func(bs []pdfcpu.Bookmark, level int) {
		for _, b := range bs {
			out = append(out, Bookmark{Title: b.Title, Level: level, Page: b.PageFrom})
			walk(b.Kids, level+1)
		}
	}
	walk(bms, 1)
	return out, nil
}
