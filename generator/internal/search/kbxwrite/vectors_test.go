package kbxwrite_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/kbsearch/kbx"
)

// TestVectorsMatchLive checks that term locations (positions, offsets and
// array positions, delta-coded in the positions table) read back as a live
// Bleve index gives them, for a field holding an array of texts and one
// holding a single text, by Next and after Advance.
func TestVectorsMatchLive(t *testing.T) {
	m := mapping.NewIndexMapping()
	doc := mapping.NewDocumentStaticMapping()
	for _, name := range []string{"notes", "text"} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = "standard"
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	m.DefaultMapping = doc
	var docs []any
	words := []string{"mentor", "family", "release", "trust", "staff"}
	for i := 0; i < 400; i++ {
		var notes []string
		for j := 0; j < 1+i%4; j++ {
			notes = append(notes, fmt.Sprintf("%s and %s then %s", words[(i+j)%5], words[(i*3+j)%5], words[(i+2*j)%5]))
		}
		docs = append(docs, map[string]any{"notes": notes, "text": fmt.Sprintf("%s %s %s %s", words[i%5], words[(i/5)%5], words[i%5], words[(i/3)%5])})
	}
	src := memSource{}
	man, err := kbxwrite.Build(context.Background(), m, docs, kbxwrite.Options{PageSize: 1024}, func(name string, data []byte) error { src[name] = data; return nil })
	if err != nil {
		t.Fatal(err)
	}
	static, err := kbx.Open(man, src)
	if err != nil {
		t.Fatal(err)
	}
	lr := liveReader(t, m, docs, man.IDDigits)
	ctx := context.Background()
	read := func(r index.IndexReader, field, term string, from string) []string {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, true, false, true)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		var out []string
		add := func(d *index.TermFieldDoc) {
			id, _ := r.ExternalID(d.ID)
			var locs []string
			for _, v := range d.Vectors {
				locs = append(locs, fmt.Sprintf("%d@%d-%d%v", v.Pos, v.Start, v.End, v.ArrayPositions))
			}
			sort.Strings(locs)
			out = append(out, fmt.Sprintf("%s:%v", id, locs))
		}
		d, err := tfr.Next(nil)
		if from != "" {
			iid, _ := r.InternalID(from)
			d, err = tfr.Advance(iid, nil)
		}
		for ; d != nil; d, err = tfr.Next(nil) {
			if err != nil {
				t.Fatal(err)
			}
			add(d)
		}
		return out
	}
	sr := static.Reader(ctx)
	checked := 0
	for _, field := range []string{"notes", "text"} {
		for _, term := range words {
			a, b := read(sr, field, term, ""), read(lr, field, term, "")
			sort.Strings(b) // scorch numbers documents its own way
			if !slices.Equal(a, b) {
				t.Fatalf("%s:%s: locations differ\nstatic %v\nlive   %v", field, term, a[:min(3, len(a))], b[:min(3, len(b))])
			}
			checked += len(a)
			// After Advance (a skip entry jump), the rest of the list reads
			// as it does by Next.
			from := kbx.ExternalID(257, man.IDDigits)
			var want []string
			for _, p := range a {
				if p[:len(from)] >= from {
					want = append(want, p)
				}
			}
			if got := read(sr, field, term, from); !slices.Equal(got, want) {
				t.Fatalf("%s:%s: after Advance to %s, %d postings differ from Next's %d", field, term, from, len(got), len(want))
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d postings checked", checked)
	}
}
