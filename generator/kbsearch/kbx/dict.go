package kbx

// The term dictionary of a field: all, a range or a prefix (Bleve's
// index.FieldDict).

import (
	"bytes"
	"encoding/binary"

	index "github.com/blevesearch/bleve_index_api"
)

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
	var entries []*index.DictEntry
	err := r.dictTerms(field, start, last, prefix, func(term []byte, count uint64) {
		entries = append(entries, &index.DictEntry{Term: string(term), Count: count})
	})
	if err != nil {
		return nil, err
	}
	return &fieldDict{entries: entries}, nil
}

// dictTerms calls fn with each term of field from start, up to last
// (included; nil: to the end) and with prefix (nil: any), and the number
// of documents holding it, the term as cached (fn must not keep it).
func (r *Reader) dictTerms(field string, start, last, prefix []byte, fn func(term []byte, count uint64)) error {
	return r.ix.scan(r.ctx, TableDict, TermKey(field, start), append([]byte(field), 1), func(k, v []byte) bool {
		term := k[len(field)+1:]
		if prefix != nil && !bytes.HasPrefix(term, prefix) {
			return false
		}
		if last != nil && bytes.Compare(term, last) > 0 {
			return false
		}
		n, _ := binary.Uvarint(v)
		fn(term, n)
		return true
	})
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
