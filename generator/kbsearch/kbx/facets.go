package kbx

// Facet values of documents (Bleve's index.DocValueReader), from one facet
// file loaded on first use.

import (
	"context"
	"sort"

	index "github.com/blevesearch/bleve_index_api"
)

type facetData struct {
	values [][2]string
	terms  [][]byte // values[i][1] as bytes, handed to visitors without copying
	runEnd []uint64 // exclusive end document of each run
	sets   [][]uint32
}

func (ix *Index) loadFacets(ctx context.Context) (*facetData, error) {
	ix.mu.Lock()
	f := ix.facets
	ix.mu.Unlock()
	if f != nil {
		return f, nil
	}
	err := ix.load(ctx, ix.man.Facets, func() bool { return ix.facets != nil }, func(data []byte) error {
		f, err := decodeFacets(data)
		if err != nil {
			return err
		}
		ix.mu.Lock()
		ix.facets = f
		ix.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.facets, nil
}

// decodeFacets reads the facets blob.
func decodeFacets(data []byte) (*facetData, error) {
	f := &facetData{}
	rd := reader{b: data}
	nv := rd.uvarint()
	for i := uint64(0); i < nv && rd.err == nil; i++ {
		f.values = append(f.values, [2]string{rd.str(), rd.str()})
	}
	nr := rd.uvarint()
	if nr > uint64(len(data)) {
		return nil, errCorrupt
	}
	var doc uint64
	for i := uint64(0); i < nr && rd.err == nil; i++ {
		doc += rd.uvarint()
		f.runEnd = append(f.runEnd, doc)
	}
	f.sets = make([][]uint32, len(f.runEnd))
	for vi := uint64(0); vi < nv && rd.err == nil; vi++ {
		n := rd.uvarint()
		var ri uint64
		for j := uint64(0); j < n && rd.err == nil; j++ {
			ri += rd.uvarint()
			if ri >= uint64(len(f.sets)) {
				return nil, errCorrupt
			}
			f.sets[ri] = append(f.sets[ri], uint32(vi))
		}
	}
	if rd.err != nil {
		return nil, rd.err
	}
	f.terms = make([][]byte, len(f.values))
	for i, v := range f.values {
		f.terms[i] = []byte(v[1])
	}
	return f, nil
}

// DocValueReader implements index.IndexReader for facet fields.
func (r *Reader) DocValueReader(fields []string) (index.DocValueReader, error) {
	f, err := r.ix.loadFacets(r.ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, fl := range fields {
		want[fl] = true
	}
	return &docValueReader{f: f, want: want}, nil
}

type docValueReader struct {
	f    *facetData
	want map[string]bool
	run  int // run of the last document visited: collectors visit in order
}

func (d *docValueReader) VisitDocValues(id index.IndexInternalID, visitor index.DocValueVisitor) error {
	n, err := docNum(id)
	if err != nil {
		return err
	}
	ri, ok := d.f.runOf(n, d.run)
	if !ok {
		return nil
	}
	d.run = ri
	for _, vi := range d.f.sets[ri] {
		if field := d.f.values[vi][0]; d.want[field] {
			visitor(field, d.f.terms[vi])
		}
	}
	return nil
}

func (d *docValueReader) BytesRead() uint64 { return 0 }

// runOf returns the run holding document n, trying run hint first (readers
// visit documents in order); false past the last run.
func (f *facetData) runOf(n uint64, hint int) (int, bool) {
	ends := f.runEnd
	if hint < len(ends) && ends[hint] > n && (hint == 0 || ends[hint-1] <= n) {
		return hint, true
	}
	ri := sort.Search(len(ends), func(i int) bool { return ends[i] > n })
	return ri, ri < len(ends)
}

// FacetCounter is what Reader.FacetCounts returns: an alias of an unnamed
// interface, so that a package can ask for it (engine.FacetCounts, the
// same type) without importing this one.
type FacetCounter = interface {
	Add(id index.IndexInternalID)
	Counts(field string) map[string]int
}

// FacetCounts counts the facet values of documents by number, with no
// string maps (the collector's facet builders hash every value of every
// matching document: about a quarter of a warm query over 10,000 pages).
type FacetCounts struct {
	f      *facetData
	fields []string
	of     []int // value → index in fields, -1 when not counted
	counts []int // value → documents
	run    int
}

// FacetCounts returns a counter of the values of fields, loading the facet
// values first.
func (r *Reader) FacetCounts(fields []string) (FacetCounter, error) {
	f, err := r.ix.loadFacets(r.ctx)
	if err != nil {
		return nil, err
	}
	c := &FacetCounts{f: f, fields: fields, of: make([]int, len(f.values)), counts: make([]int, len(f.values))}
	for vi, v := range f.values {
		c.of[vi] = -1
		for i, fl := range fields {
			if v[0] == fl {
				c.of[vi] = i
			}
		}
	}
	return c, nil
}

// Add counts the values of a document.
func (c *FacetCounts) Add(id index.IndexInternalID) {
	n, err := docNum(id)
	if err != nil {
		return
	}
	ri, ok := c.f.runOf(n, c.run)
	if !ok {
		return
	}
	c.run = ri
	for _, vi := range c.f.sets[ri] {
		if c.of[vi] >= 0 {
			c.counts[vi]++
		}
	}
}

// Counts returns each value of field counted so far with its count.
func (c *FacetCounts) Counts(field string) map[string]int {
	out := map[string]int{}
	for vi, n := range c.counts {
		if n > 0 && c.of[vi] >= 0 && c.fields[c.of[vi]] == field {
			out[c.f.values[vi][1]] = n
		}
	}
	return out
}
