package kbx

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// PageSource fetches the bytes of an index file by name (uncompressed).
type PageSource interface {
	Fetch(ctx context.Context, name string) ([]byte, error)
}

// Index is an opened static index. It fetches and caches pages on demand and
// is safe for concurrent use.
type Index struct {
	man *Manifest
	src PageSource

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

type loadingFile struct {
	done chan struct{}
	err  error
}

// load fetches a file unless have reports it already decoded, sharing a
// request already in flight for it, and hands its bytes to keep, which
// decodes and caches them. have and keep run with ix.mu held and released
// respectively; a file is no longer "in flight" only once keep has cached
// it, so a later reader either finds it cached or waits.
func (ix *Index) load(ctx context.Context, name string, have func() bool, keep func([]byte) error) error {
	ix.mu.Lock()
	if have() {
		ix.mu.Unlock()
		return nil
	}
	if f := ix.loading[name]; f != nil {
		ix.mu.Unlock()
		select {
		case <-f.done:
			return f.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f := &loadingFile{done: make(chan struct{})}
	ix.loading[name] = f
	ix.mu.Unlock()
	data, err := ix.src.Fetch(ctx, name)
	if err != nil {
		err = fmt.Errorf("kbx: fetching %s: %w", name, err)
	} else if err = keep(data); err != nil {
		err = fmt.Errorf("kbx: %s: %w", name, err)
	}
	ix.mu.Lock()
	delete(ix.loading, name)
	if err == nil {
		ix.fetched += int64(len(data))
	}
	ix.mu.Unlock()
	f.err = err
	close(f.done)
	return err
}

type page struct {
	keys, values [][]byte
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
	return &Index{man: man, src: src, pages: map[string]*page{}, norms: map[string]*norms{}, loading: map[string]*loadingFile{}}, nil
}

// Manifest returns the index manifest.
func (ix *Index) Manifest() *Manifest { return ix.man }

// BytesFetched reports how many uncompressed bytes were fetched so far.
func (ix *Index) BytesFetched() int64 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.fetched
}

func (ix *Index) page(ctx context.Context, name string) (*page, error) {
	ix.mu.Lock()
	p := ix.pages[name]
	ix.mu.Unlock()
	if p != nil {
		return p, nil
	}
	err := ix.load(ctx, name, func() bool { return ix.pages[name] != nil }, func(data []byte) error {
		keys, values, err := decodePage(data)
		if err != nil {
			return err
		}
		ix.mu.Lock()
		ix.pages[name] = &page{keys, values}
		ix.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.pages[name], nil
}

// pageFor returns the index of the page that would hold key, or -1.
func pageFor(t *Table, key []byte) int {
	i := sort.Search(len(t.First), func(i int) bool { return bytes.Compare(t.First[i], key) > 0 })
	return i - 1
}

// pageRef is a data page of a table: its first key and file.
type pageRef struct {
	first []byte
	file  string
}

// dataPages returns the data pages of table t that may hold keys in
// [start, end) (end nil: to the end), fetching directory pages as needed.
func (ix *Index) dataPages(ctx context.Context, t *Table, start, end []byte) ([]pageRef, error) {
	var out []pageRef
	pi := max(pageFor(t, start), 0)
	for ; pi < len(t.Files); pi++ {
		if end != nil && bytes.Compare(t.First[pi], end) >= 0 {
			break
		}
		if !t.Dir {
			out = append(out, pageRef{t.First[pi], t.Files[pi]})
			continue
		}
		dir, err := ix.page(ctx, t.Files[pi])
		if err != nil {
			return nil, err
		}
		di := sort.Search(len(dir.keys), func(i int) bool { return bytes.Compare(dir.keys[i], start) > 0 }) - 1
		for di = max(di, 0); di < len(dir.keys); di++ {
			if end != nil && bytes.Compare(dir.keys[di], end) >= 0 {
				return out, nil
			}
			out = append(out, pageRef{dir.keys[di], string(dir.values[di])})
		}
	}
	return out, nil
}

// get looks up one key.
func (ix *Index) get(ctx context.Context, table string, key []byte) ([]byte, bool, error) {
	t := ix.man.Tables[table]
	if t == nil || pageFor(t, key) < 0 {
		return nil, false, nil
	}
	refs, err := ix.dataPages(ctx, t, key, append(append([]byte(nil), key...), 0))
	if err != nil || len(refs) == 0 {
		return nil, false, err
	}
	p, err := ix.page(ctx, refs[0].file)
	if err != nil {
		return nil, false, err
	}
	i := sort.Search(len(p.keys), func(i int) bool { return bytes.Compare(p.keys[i], key) >= 0 })
	if i < len(p.keys) && bytes.Equal(p.keys[i], key) {
		return p.values[i], true, nil
	}
	return nil, false, nil
}

// scan calls fn for each entry with start <= key < end, in order, until fn
// returns false.
func (ix *Index) scan(ctx context.Context, table string, start, end []byte, fn func(k, v []byte) bool) error {
	t := ix.man.Tables[table]
	if t == nil {
		return nil
	}
	refs, err := ix.dataPages(ctx, t, start, end)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		p, err := ix.page(ctx, ref.file)
		if err != nil {
			return err
		}
		i := sort.Search(len(p.keys), func(i int) bool { return bytes.Compare(p.keys[i], start) >= 0 })
		for ; i < len(p.keys); i++ {
			if end != nil && bytes.Compare(p.keys[i], end) >= 0 {
				return nil
			}
			if !fn(p.keys[i], p.values[i]) {
				return nil
			}
		}
	}
	return nil
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

// TermFieldReader implements index.IndexReader.
func (r *Reader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (index.TermFieldReader, error) {
	if ctx == nil {
		ctx = r.ctx
	}
	v, ok, err := r.ix.get(ctx, TablePostings, TermKey(field, term))
	if err != nil {
		return nil, err
	}
	tfr := &termFieldReader{term: string(term), field: field, vectors: includeTermVectors}
	if ok {
		if err := tfr.open(v); err != nil {
			return nil, err
		}
		if includeNorm {
			tfr.norms = &normCursor{n: r.ix.normsOf(field), ctx: ctx}
		}
		if includeTermVectors && r.ix.man.Tables[TablePositions] != nil {
			pv, _, err := r.ix.get(ctx, TablePositions, TermKey(field, term))
			if err != nil {
				return nil, err
			}
			tfr.pos = reader{b: pv}
			tfr.posEntries = pv
		}
	}
	return tfr, nil
}

type termFieldReader struct {
	term, field string
	vectors     bool
	r           reader
	pos         reader // locations, read in step with the documents when vectors are wanted
	entries     []byte // the blocks part of the postings value
	posEntries  []byte // the positions value
	skips       []skipEntry
	count, read uint64 // documents in the list, documents returned
	doc         uint64
	// The decoded block: documents and frequencies, and the next to return.
	docs, freqs []uint64
	next        int
	norms       *normCursor
}

// open sets the reader on a postings value: count, skip entries, blocks.
func (t *termFieldReader) open(v []byte) error {
	t.r = reader{b: v}
	t.count = t.r.uvarint()
	skips := t.r.bytes(int(t.r.uvarint()))
	if t.r.err != nil {
		return errCorrupt
	}
	t.entries = t.r.b
	for sr := (reader{b: skips}); len(sr.b) > 0 && sr.err == nil; {
		t.skips = append(t.skips, skipEntry{prevDoc: sr.uvarint(), off: sr.uvarint(), posOff: sr.uvarint()})
	}
	return nil
}

// block decodes the next block of documents.
func (t *termFieldReader) block() error {
	n := int(min(uint64(SkipInterval), t.count-t.read))
	t.docs, t.freqs, t.next = t.docs[:0], t.freqs[:0], 0
	doc := t.doc
	for i := 0; i < n; i++ {
		delta := t.r.uvarint()
		if t.read == 0 && i == 0 {
			doc = delta
		} else {
			doc += delta
		}
		t.docs = append(t.docs, doc)
	}
	for i := 0; i < n; i++ {
		t.freqs = append(t.freqs, t.r.uvarint())
	}
	return t.r.err
}

func (t *termFieldReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	if t.read >= t.count {
		return nil, nil
	}
	if t.next >= len(t.docs) {
		if err := t.block(); err != nil {
			return nil, err
		}
	}
	t.doc, t.read = t.docs[t.next], t.read+1
	freq := t.freqs[t.next]
	t.next++
	var nloc, arrays uint64
	if t.vectors && len(t.pos.b) > 0 {
		h := t.pos.uvarint()
		nloc, arrays = h>>1, h&1
	}
	rv := pre
	if rv == nil {
		rv = &index.TermFieldDoc{}
	}
	rv.Term = t.term
	rv.ID = append(rv.ID[:0], DocKey(t.doc)...)
	rv.Freq = freq
	rv.Norm = 0
	if t.norms != nil {
		n, err := t.norms.norm(t.doc)
		if err != nil {
			return nil, err
		}
		rv.Norm = n
	}
	rv.Vectors = rv.Vectors[:0]
	var pos, start uint64
	for i := uint64(0); i < nloc; i++ {
		pos += t.pos.uvarint()
		start += uint64(t.pos.varint())
		n := t.pos.uvarint()
		var ap []uint64
		if arrays == 1 {
			if na := t.pos.uvarint(); na > uint64(len(t.pos.b)) {
				return nil, errCorrupt
			} else if na > 0 {
				ap = make([]uint64, na)
				for j := range ap {
					ap[j] = t.pos.uvarint()
				}
			}
		}
		rv.Vectors = append(rv.Vectors, &index.TermFieldVector{Field: t.field, ArrayPositions: ap, Pos: pos, Start: start, End: start + n})
	}
	if t.pos.err != nil {
		return nil, t.pos.err
	}
	return rv, nil
}

// skipEntry lets a reader start decoding at block i+1, document number
// (i+1)·SkipInterval of a postings list.
type skipEntry struct {
	prevDoc     uint64 // the last document of the block before
	off, posOff uint64 // offsets of the block in the documents and positions
}

func (t *termFieldReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	target, err := docNum(id)
	if err != nil {
		return nil, err
	}
	// Jump to the last block that starts before target and ahead of where
	// the reader is.
	if i := sort.Search(len(t.skips), func(i int) bool { return t.skips[i].prevDoc >= target }) - 1; i >= 0 {
		if k := uint64(i+1) * SkipInterval; k > t.read && int(t.skips[i].off) <= len(t.entries) {
			sk := t.skips[i]
			t.r = reader{b: t.entries[sk.off:]}
			if t.posEntries != nil && int(sk.posOff) <= len(t.posEntries) {
				t.pos = reader{b: t.posEntries[sk.posOff:]}
			}
			t.doc, t.read = sk.prevDoc, k
			t.docs, t.next = t.docs[:0], 0
		}
	}
	for {
		d, err := t.Next(pre)
		if err != nil || d == nil {
			return d, err
		}
		if t.doc >= target {
			return d, nil
		}
	}
}

func (t *termFieldReader) Count() uint64 { return t.count }
func (t *termFieldReader) Close() error  { return nil }
func (t *termFieldReader) Size() int     { return 64 + len(t.r.b) }

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

// FieldDict implements index.IndexReader.
func (r *Reader) FieldDict(field string) (index.FieldDict, error) {
	return r.dict(field, nil, nil, nil)
}

// FieldDictRange implements index.IndexReader (both ends included).
func (r *Reader) FieldDictRange(field string, startTerm, endTerm []byte) (index.FieldDict, error) {
	return r.dict(field, startTerm, endTerm, nil)
}

// FieldDictPrefix implements index.IndexReader.
func (r *Reader) FieldDictPrefix(field string, prefix []byte) (index.FieldDict, error) {
	return r.dict(field, prefix, nil, prefix)
}

func (r *Reader) dict(field string, start, last, prefix []byte) (index.FieldDict, error) {
	from := TermKey(field, start)
	to := append([]byte(field), 1)
	var entries []*index.DictEntry
	err := r.ix.scan(r.ctx, TableDict, from, to, func(k, v []byte) bool {
		term := k[len(field)+1:]
		if prefix != nil && !bytes.HasPrefix(term, prefix) {
			return false
		}
		if last != nil && bytes.Compare(term, last) > 0 {
			return false
		}
		n, _ := binary.Uvarint(v)
		entries = append(entries, &index.DictEntry{Term: string(term), Count: n})
		return true
	})
	if err != nil {
		return nil, err
	}
	return &fieldDict{entries: entries}, nil
}

type fieldDict struct {
	entries []*index.DictEntry
	next    int
}

func (f *fieldDict) Next() (*index.DictEntry, error) {
	if f.next >= len(f.entries) {
		return nil, nil
	}
	e := f.entries[f.next]
	f.next++
	return e, nil
}
func (f *fieldDict) Close() error      { return nil }
func (f *fieldDict) Cardinality() int  { return len(f.entries) }
func (f *fieldDict) BytesRead() uint64 { return 0 }

// Document implements index.IndexReader: the stored fields of a document.
func (r *Reader) Document(id string) (index.Document, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n >= r.ix.man.Docs {
		return nil, nil
	}
	v, ok, err := r.ix.get(r.ctx, TableStored, DocKey(n))
	if err != nil || !ok {
		return nil, err
	}
	doc := document.NewDocument(id)
	rd := reader{b: v}
	count := rd.uvarint()
	for i := uint64(0); i < count; i++ {
		name := rd.str()
		value := rd.bytes(int(rd.uvarint()))
		if rd.err != nil {
			return nil, rd.err
		}
		doc.AddField(document.NewTextField(name, nil, append([]byte(nil), value...)))
	}
	return doc, nil
}

// Stored returns the stored fields of document number n as a map.
func (r *Reader) Stored(n uint64) (map[string]string, error) {
	v, ok, err := r.ix.get(r.ctx, TableStored, DocKey(n))
	if err != nil || !ok {
		return nil, err
	}
	out := map[string]string{}
	rd := reader{b: v}
	count := rd.uvarint()
	for i := uint64(0); i < count; i++ {
		name := rd.str()
		out[name] = rd.str()
	}
	return out, rd.err
}

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
	ri := d.run
	if ri >= len(d.f.runEnd) || d.f.runEnd[ri] <= n || (ri > 0 && d.f.runEnd[ri-1] > n) {
		ri = sort.Search(len(d.f.runEnd), func(i int) bool { return d.f.runEnd[i] > n })
		if ri >= len(d.f.runEnd) {
			return nil
		}
		d.run = ri
	}
	for _, vi := range d.f.sets[ri] {
		if field := d.f.values[vi][0]; d.want[field] {
			visitor(field, d.f.terms[vi])
		}
	}
	return nil
}

func (d *docValueReader) BytesRead() uint64 { return 0 }

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

// Close implements index.IndexReader.
func (r *Reader) Close() error { return nil }
