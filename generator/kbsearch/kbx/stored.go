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
