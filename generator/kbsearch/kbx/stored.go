package kbx

// Stored fields of a document.

import (
	"strconv"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

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

// VisitStored calls fn with each stored field of the document id, its
// value as cached (fn must not keep or change it), and reports whether
// there is such a document: the fields without Bleve's Document, Field and
// copied values, which were a sixth of a warm query's allocations.
func (r *Reader) VisitStored(id string, fn func(name string, value []byte)) (bool, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n >= r.ix.man.Docs {
		return false, nil
	}
	v, ok, err := r.ix.get(r.ctx, TableStored, DocKey(n))
	if err != nil || !ok {
		return false, err
	}
	rd := reader{b: v}
	count := rd.uvarint()
	for i := uint64(0); i < count; i++ {
		name := rd.str()
		value := rd.bytes(int(rd.uvarint()))
		if rd.err != nil {
			return false, rd.err
		}
		fn(name, value)
	}
	return true, nil
}
