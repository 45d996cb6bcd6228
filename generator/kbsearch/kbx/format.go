// Package kbx is a static, paged format for a Bleve inverted index, and a
// reader of it that implements Bleve's index.IndexReader, so that Bleve's own
// searchers, scorers, collectors and facets run over it.
//
// The index is a set of sorted key/value tables cut into small pages (about
// 8 KiB before compression), each page a separate content-addressed file,
// plus one JSON manifest with the directory of every table. A reader fetches
// only the pages a query touches, through a PageSource: files on disk
// natively, HTTP requests in the browser.
//
// Tables:
//
//	dict      field 0x00 term → document frequency (for prefix, range and fuzzy enumeration)
//	postings  field 0x00 term → count, skip entries, then blocks of SkipInterval documents:
//	          the block's document deltas, then its frequencies
//	positions field 0x00 term → per document, the term's locations (only phrase searches read them):
//	          count<<1 | array positions follow, then each location's position and
//	          start offset as deltas from the previous one, its length, [array positions]
//	norms     field 0x00 chunk → the field's length in each of NormChunk documents (plain or in runs)
//	stored    document number → stored field values
//	facets    one blob: the facet values, runs of documents sharing a set of values,
//	          and for each value the runs that hold it
package kbx

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// DefaultPageSize is the target size of a page before compression. Small
// pages cut what a cold query downloads; the manifest grows as they shrink.
const DefaultPageSize = 8 << 10

// SkipInterval is how many documents of a postings list lie between two
// skip entries, which let Advance jump instead of decoding every document.
const SkipInterval = 128

// NormChunk is how many documents' field lengths one norms entry holds.
const NormChunk = 8192

// Encodings of a norms entry, its first byte: the lengths one by one, or
// runs of equal lengths (run size, length).
const (
	NormsPlain = 0
	NormsRuns  = 1
)

// Output receives the files of an index.
type Output func(name string, data []byte) error

// Version is the format version written into manifests.
const Version = 9

// EncodingDeflateRaw, as a manifest's Encoding, says that every index file
// it names (table pages, directory pages, the facets blob) is stored as raw
// DEFLATE (RFC 1951) of its bytes. A published site's index is stored so:
// any server then sends it compressed, with or without pre-compressed copies
// or a compressing configuration. A PageSource hands the reader the
// inflated bytes (in the browser, the page inflates with DecompressionStream).
const EncodingDeflateRaw = "deflate-raw"

// Manifest describes an index: its tables and what the reader needs up front.
type Manifest struct {
	Version  int               `json:"version"`
	Docs     uint64            `json:"docs"`
	Fields   []string          `json:"fields"`
	Tables   map[string]*Table `json:"tables"`
	Facets   string            `json:"facets"`   // file of the facets blob
	IDDigits int               `json:"idDigits"` // width of zero-padded external ids
	// NormsOf maps a field to the field whose lengths it shares in every
	// document (its norms are not written twice).
	NormsOf map[string]string `json:"normsOf,omitempty"`
	// Pages says how many documents each site page has, in document order
	// (EncodePages): a page's documents are consecutive.
	Pages string `json:"pages,omitempty"`
	// FieldLengths is each field's length summed over the documents (the
	// number of its terms with repeats): BM25 scoring's average length.
	FieldLengths map[string]int `json:"fieldLengths,omitempty"`
	// Encoding is how the index files are stored: "" as they are, or
	// EncodingDeflateRaw.
	Encoding string `json:"encoding,omitempty"`
	// Dictionary, with an Encoding, is the file of a preset dictionary
	// (stored with the Encoding, without one) that every other index file
	// was compressed with: their DEFLATE streams may refer back into it, as
	// with zlib's preset dictionaries. A reader inflates a file as the
	// continuation of a stream that has output the dictionary.
	Dictionary string         `json:"dictionary,omitempty"`
	Extra      map[string]any `json:"extra,omitempty"`
}

// Table is the directory of one sorted table.
type Table struct {
	First [][]byte `json:"first"` // first key of each page
	Files []string `json:"files"` // file of each page
	Sizes []int    `json:"sizes"` // uncompressed size of each page
	// Dir marks a nested directory: Files are directory pages whose entries
	// map the first key of each data page to its file.
	Dir bool `json:"dir,omitempty"`
}

// Table names.
const (
	TableDict      = "dict"
	TablePostings  = "postings"
	TablePositions = "positions"
	TableStored    = "stored"
	TableNorms     = "norms"
)

// TermKey returns the key of a term in the dict and postings tables.
func TermKey(field string, term []byte) []byte {
	k := make([]byte, 0, len(field)+1+len(term))
	k = append(k, field...)
	k = append(k, 0)
	return append(k, term...)
}

// NormKey returns the key of a chunk of a field's lengths in the norms table.
func NormKey(field string, chunk uint64) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(field), 0), uint32(chunk))
}

// DocKey returns the key of a document number in the stored table.
func DocKey(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// EncodePage serialises sorted entries with prefix compression.
func EncodePage(keys, values [][]byte) []byte {
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(keys)))
	var prev []byte
	for i, k := range keys {
		shared := 0
		for shared < len(prev) && shared < len(k) && prev[shared] == k[shared] {
			shared++
		}
		out = binary.AppendUvarint(out, uint64(shared))
		out = binary.AppendUvarint(out, uint64(len(k)-shared))
		out = append(out, k[shared:]...)
		out = binary.AppendUvarint(out, uint64(len(values[i])))
		out = append(out, values[i]...)
		prev = k
	}
	return out
}

var errCorrupt = errors.New("kbx: corrupt page")

// decodePage parses a page into keys and values (slices of data).
func decodePage(data []byte) (keys, values [][]byte, err error) {
	r := reader{b: data}
	n := r.uvarint()
	if r.err != nil || n > uint64(len(data)) {
		return nil, nil, errCorrupt
	}
	keys = make([][]byte, 0, n)
	values = make([][]byte, 0, n)
	var prev []byte
	for i := uint64(0); i < n; i++ {
		shared := r.uvarint()
		suffix := r.bytes(int(r.uvarint()))
		if r.err != nil || shared > uint64(len(prev)) {
			return nil, nil, errCorrupt
		}
		k := make([]byte, 0, int(shared)+len(suffix))
		k = append(append(k, prev[:shared]...), suffix...)
		v := r.bytes(int(r.uvarint()))
		if r.err != nil {
			return nil, nil, errCorrupt
		}
		keys = append(keys, k)
		values = append(values, v)
		prev = k
	}
	return keys, values, nil
}

// reader decodes varints and byte strings, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errCorrupt
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) float32() float32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

func (r *reader) str() string { return string(r.bytes(int(r.uvarint()))) }

func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// ExternalID formats a document number as the index's external id.
func ExternalID(n uint64, digits int) string {
	// Called for every match a query collects: strconv, not fmt.
	var buf [24]byte
	b := strconv.AppendUint(buf[:0], n, 10)
	if len(b) >= digits {
		return string(b)
	}
	out := make([]byte, digits)
	for i := range digits - len(b) {
		out[i] = '0'
	}
	copy(out[digits-len(b):], b)
	return string(out)
}
