package kbx

// Opening an index, and the Reader: Bleve's index.IndexReader over it,
// with document ids and counts. The reader's parts are beside it by concern:
// cache.go (pages), postings.go, dict.go, stored.go, facets.go and norms.go.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	index "github.com/blevesearch/bleve_index_api"
)

// PageSource fetches the bytes of an index file by name (uncompressed).
type PageSource interface {
	Fetch(ctx context.Context, name string) ([]byte, error)
}

// Index is an opened static index. It fetches and caches pages on demand and
// is safe for concurrent use.
type Index struct {
	man    *Manifest
	src    PageSource
	starts []uint64 // first document of each site page (pages.go)

	mu      sync.Mutex
	pages   map[string]*page
	facets  *facetData
	norms   map[string]*norms
	fetched int64 // bytes fetched (uncompressed)
	// Files being fetched: a second reader of one waits for the first
	// request instead of sending its own (prefetching runs beside the
	// query's own reads).
	loading map[string]*loadingFile
}

// Open returns an index reading pages from src.
func Open(man *Manifest, src PageSource) (*Index, error) {
	if man.Version != Version {
		return nil, fmt.Errorf("kbx: index format %d, this reader reads %d", man.Version, Version)
	}
	for _, name := range []string{TableDict, TablePostings, TableStored} {
		if man.Tables[name] == nil {
			return nil, fmt.Errorf("kbx: manifest has no %s table", name)
		}
	}
	starts, err := pageStarts(man.Pages, man.Docs)
	if err != nil {
		return nil, err
	}
	return &Index{man: man, src: src, starts: starts, pages: map[string]*page{}, norms: map[string]*norms{}, loading: map[string]*loadingFile{}}, nil
}

// Manifest returns the index manifest.
func (ix *Index) Manifest() *Manifest { return ix.man }

// BytesFetched reports how many uncompressed bytes were fetched so far.
func (ix *Index) BytesFetched() int64 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.fetched
}

// Reader returns an index.IndexReader over the index. ctx bounds page fetches.
func (ix *Index) Reader(ctx context.Context) *Reader { return &Reader{ix: ix, ctx: ctx} }

// Reader implements Bleve's index.IndexReader over a static index.
type Reader struct {
	ix  *Index
	ctx context.Context
}

var _ index.IndexReader = (*Reader)(nil)

// InternalIDOf returns the internal id of document number n.
func InternalIDOf(n uint64) index.IndexInternalID { return index.IndexInternalID(DocKey(n)) }

func docNum(id index.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("kbx: invalid internal id %x", []byte(id))
	}
	return binary.BigEndian.Uint64(id), nil
}

// DocIDReaderAll implements index.IndexReader.
func (r *Reader) DocIDReaderAll() (index.DocIDReader, error) {
	return &docIDReader{end: r.ix.man.Docs}, nil
}

// DocIDReaderOnly implements index.IndexReader.
func (r *Reader) DocIDReaderOnly(ids []string) (index.DocIDReader, error) {
	var nums []uint64
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil && n < r.ix.man.Docs {
			nums = append(nums, n)
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	return &docIDReader{only: nums, end: uint64(len(nums)), isOnly: true}, nil
}

type docIDReader struct {
	next, end uint64
	only      []uint64
	isOnly    bool
}

func (d *docIDReader) Next() (index.IndexInternalID, error) {
	if d.next >= d.end {
		return nil, nil
	}
	n := d.next
	d.next++
	if d.isOnly {
		return InternalIDOf(d.only[n]), nil
	}
	return InternalIDOf(n), nil
}

func (d *docIDReader) Advance(id index.IndexInternalID) (index.IndexInternalID, error) {
	target, err := docNum(id)
	if err != nil {
		return nil, err
	}
	if d.isOnly {
		d.next = uint64(sort.Search(len(d.only), func(i int) bool { return d.only[i] >= target }))
	} else if target > d.next {
		d.next = target
	}
	return d.Next()
}

func (d *docIDReader) Size() int    { return 32 + 8*len(d.only) }
func (d *docIDReader) Close() error { return nil }

// Fields implements index.IndexReader.
func (r *Reader) Fields() ([]string, error) { return r.ix.man.Fields, nil }

// GetInternal implements index.IndexReader.
func (r *Reader) GetInternal(key []byte) ([]byte, error) { return nil, nil }

// DocCount implements index.IndexReader.
func (r *Reader) DocCount() (uint64, error) { return r.ix.man.Docs, nil }

// ExternalID implements index.IndexReader.
func (r *Reader) ExternalID(id index.IndexInternalID) (string, error) {
	n, err := docNum(id)
	if err != nil {
		return "", err
	}
	return ExternalID(n, r.ix.man.IDDigits), nil
}

// InternalID implements index.IndexReader.
func (r *Reader) InternalID(id string) (index.IndexInternalID, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n >= r.ix.man.Docs {
		return nil, errors.New("kbx: no such document")
	}
	return InternalIDOf(n), nil
}

// FieldLengths returns each field's length summed over the documents, for
// BM25 scoring (engine.WithFieldLengths); nil for an index without them.
func (r *Reader) FieldLengths() map[string]int { return r.ix.man.FieldLengths }

// Close implements index.IndexReader.
func (r *Reader) Close() error { return nil }
