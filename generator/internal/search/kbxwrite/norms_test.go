package kbxwrite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/internal/search/livebleve"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

type memSource map[string][]byte

func (m memSource) Fetch(_ context.Context, name string) ([]byte, error) {
	if d, ok := m[name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("no file %s", name)
}

// countingSource counts fetches.
type countingSource struct {
	memSource
	n atomic.Int64
}

func (c *countingSource) Fetch(ctx context.Context, name string) ([]byte, error) {
	c.n.Add(1)
	return c.memSource.Fetch(ctx, name)
}

// liveReader indexes docs in a live Bleve (scorch) index, with the ids the
// static index gives them, and returns a reader closed with the test.
func liveReader(t *testing.T, m mapping.IndexMapping, docs []any, digits int) index.IndexReader {
	t.Helper()
	live, err := bleve.NewUsing(filepath.Join(t.TempDir(), "live"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close() })
	b := live.NewBatch()
	for i, d := range docs {
		if err := b.Index(kbx.ExternalID(uint64(i), digits), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := live.Batch(b); err != nil {
		t.Fatal(err)
	}
	return livebleve.Reader(t, live)
}

// TestPostingsMatchLive indexes more documents than one norms chunk and
// one skip block hold, with varied lengths and frequencies, and checks that
// every postings list reads back as a live Bleve index gives it: the same
// documents, frequencies and norms, by Next and by Advance.
func TestPostingsMatchLive(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	vocab := []string{"prison", "mentor", "family", "release", "probation", "staff", "dialogue", "trust"}
	n := kbx.NormChunk + 700
	docs := make([]any, n)
	for i := range docs {
		var words []string
		for j := 0; j < 1+i%23; j++ {
			// Dense, sparse and clustered terms.
			words = append(words, vocab[(i*7+j*j)%len(vocab)])
			if i%97 == 0 {
				words = append(words, "rare")
			}
		}
		docs[i] = map[string]any{schema.Body: strings.Join(words, " "), schema.Title: vocab[i%5]}
	}
	src := memSource{}
	man, err := kbxwrite.Build(context.Background(), m, docs, kbxwrite.Options{PageSize: 2048}, func(name string, data []byte) error { src[name] = data; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Tables[kbx.TableNorms].Files) < 2 {
		t.Fatalf("norms table has %d pages: the test no longer crosses a chunk", len(man.Tables[kbx.TableNorms].Files))
	}
	static, err := kbx.Open(man, src)
	if err != nil {
		t.Fatal(err)
	}
	lr := liveReader(t, m, docs, man.IDDigits)
	ctx := context.Background()
	sr := static.Reader(ctx)

	type posting struct {
		id   string
		freq uint64
		norm float64
	}
	read := func(r index.IndexReader, term, field string, advanceTo []string) []posting {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		var out []posting
		add := func(d *index.TermFieldDoc) {
			id, err := r.ExternalID(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, posting{id, d.Freq, d.Norm})
		}
		if advanceTo == nil {
			for d, err := tfr.Next(nil); d != nil; d, err = tfr.Next(nil) {
				if err != nil {
					t.Fatal(err)
				}
				add(d)
			}
			return out
		}
		last := ""
		for _, target := range advanceTo {
			if target <= last {
				continue // searchers only advance past where a reader is
			}
			iid, err := r.InternalID(target)
			if err != nil {
				t.Fatal(err)
			}
			d, err := tfr.Advance(iid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d == nil {
				break
			}
			add(d)
			last = out[len(out)-1].id
		}
		return out
	}
	// Prefetching a term fetches every norms chunk its documents fall in:
	// reading the postings afterwards fetches nothing more.
	for _, term := range []string{"prison", "rare"} {
		cs := &countingSource{memSource: src}
		cold, err := kbx.Open(man, cs)
		if err != nil {
			t.Fatal(err)
		}
		cr := cold.Reader(ctx)
		cr.Prefetch([][2]string{{schema.Body, term}}, nil, nil, nil)
		before := cs.n.Load()
		if got := read(cr, term, schema.Body, nil); len(got) == 0 {
			t.Fatalf("%s: no postings", term)
		}
		if after := cs.n.Load(); after != before {
			t.Errorf("%s: reading after prefetching fetched %d more pages", term, after-before)
		}
	}

	// Far targets jump with the skip entries; near ones step through
	// blocks, across their ends.
	var far, near []string
	for i := 3; i < n; i += 211 {
		far = append(far, kbx.ExternalID(uint64(i), man.IDDigits))
	}
	for i := 1; i < n; i += 7 {
		near = append(near, kbx.ExternalID(uint64(i), man.IDDigits))
	}
	for _, c := range []struct{ field, term string }{
		{schema.Body, "prison"}, {schema.Body, "rare"}, {schema.Body, "trust"}, {schema.Title, "famili"},
		{schema.Words, "mentor"}, {schema.Body, "absent"},
	} {
		// Scorch numbers documents its own way: compare in id order.
		a, b := read(sr, c.term, c.field, nil), read(lr, c.term, c.field, nil)
		sort.Slice(b, func(i, j int) bool { return b[i].id < b[j].id })
		if c.term != "absent" && len(b) == 0 {
			t.Fatalf("%s:%s: no postings in the live index", c.field, c.term)
		}
		if !slices.Equal(a, b) {
			t.Errorf("%s:%s: static and live postings differ (%d and %d entries)", c.field, c.term, len(a), len(b))
		}
		// Advance lands on the first posting at or after each target.
		for _, targets := range [][]string{far, near} {
			var want []posting
			k, last := 0, ""
			for _, target := range targets {
				if target <= last {
					continue
				}
				for k < len(a) && a[k].id < target {
					k++
				}
				if k == len(a) {
					break
				}
				want = append(want, a[k])
				last = a[k].id
			}
			if got := read(sr, c.term, c.field, targets); !slices.Equal(got, want) {
				t.Errorf("%s:%s: Advance (%d targets) gives %d postings, Next %d", c.field, c.term, len(targets), len(got), len(want))
			}
		}
	}
}
