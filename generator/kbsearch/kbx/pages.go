package kbx

// The site pages of an index's documents: one document is one section of a
// page, a page's sections are consecutive, and the manifest lists how many
// each page has (Manifest.Pages), so that a search can group its hits by
// page without reading their stored fields.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"sort"
	"strconv"

	index "github.com/blevesearch/bleve_index_api"
)

// EncodePages is the Manifest.Pages of pages with these numbers of
// documents, in document order: base64 of their uvarints.
func EncodePages(counts []int) string {
	var b []byte
	for _, n := range counts {
		b = binary.AppendUvarint(b, uint64(n))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// pageStarts decodes Manifest.Pages into the first document of each page.
func pageStarts(enc string, docs uint64) ([]uint64, error) {
	if enc == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, err
	}
	var starts []uint64
	var at uint64
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || n == 0 {
			return nil, errors.New("kbx: bad page table")
		}
		starts = append(starts, at)
		at += n
		b = b[k:]
	}
	if at != docs {
		return nil, errors.New("kbx: the page table does not cover the documents")
	}
	return starts, nil
}

// Page returns the number of the site page that holds the document with
// external id id, in document order; ok is false when the index has no
// page table or the id is not one of its documents.
func (ix *Index) Page(id string) (page int, ok bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, false
	}
	return ix.pageOf(n)
}

func (ix *Index) pageOf(n uint64) (int, bool) {
	if len(ix.starts) == 0 || n >= ix.man.Docs {
		return 0, false
	}
	return sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > n }) - 1, true
}

// Pages is how many site pages the index has (0 without a page table).
func (r *Reader) Pages() int { return len(r.ix.starts) }

// Compare orders documents by number, which is the order of their
// external ids.
func (r *Reader) Compare(a, b index.IndexInternalID) int { return bytes.Compare(a, b) }

// PageOf is the site page of the document with internal id id (see
// Index.Page), for the engine, which groups hits by page.
func (r *Reader) PageOf(id index.IndexInternalID) (int, bool) {
	n, err := docNum(id)
	if err != nil {
		return 0, false
	}
	return r.ix.pageOf(n)
}
