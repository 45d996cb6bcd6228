package kbx

// Postings: the documents, frequencies, norms and locations of a term, read
// block by block with skip entries (Bleve's index.TermFieldReader).

import (
	"context"
	"sort"

	index "github.com/blevesearch/bleve_index_api"
)

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
