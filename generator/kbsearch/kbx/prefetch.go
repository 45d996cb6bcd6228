package kbx

import (
	"context"
	"strconv"
	"sync"

	index "github.com/blevesearch/bleve_index_api"
)

// Prefetch fetches, in parallel, every page not yet cached that holds one
// of keys in table or overlaps one of ranges ([start, end) pairs). A query
// then runs on cached pages instead of fetching them one by one: on a slow
// link the wait is one round trip, not one per page. Errors are left for the
// reads that need the pages.
func (ix *Index) Prefetch(ctx context.Context, table string, keys [][]byte, ranges [][2][]byte) {
	t := ix.man.Tables[table]
	if t == nil {
		return
	}
	type span struct{ start, end []byte }
	var spans []span
	for _, k := range keys {
		if pageFor(t, k) >= 0 {
			spans = append(spans, span{k, append(append([]byte(nil), k...), 0)})
		}
	}
	for _, r := range ranges {
		spans = append(spans, span{r[0], r[1]})
	}
	if t.Dir {
		// First the directory pages, in parallel.
		dirs := map[string]bool{}
		for _, sp := range spans {
			pi := max(pageFor(t, sp.start), 0)
			for ; pi < len(t.Files); pi++ {
				if sp.end != nil && string(t.First[pi]) >= string(sp.end) {
					break
				}
				dirs[t.Files[pi]] = true
			}
		}
		ix.fetchAll(ctx, dirs)
	}
	want := map[string]bool{}
	for _, sp := range spans {
		refs, err := ix.dataPages(ctx, t, sp.start, sp.end)
		if err != nil {
			continue
		}
		for _, r := range refs {
			want[r.file] = true
		}
	}
	ix.fetchAll(ctx, want)
}

// PrefetchDocs fetches the stored-field pages of documents (external ids).
func (ix *Index) PrefetchDocs(ctx context.Context, ids []string) {
	var keys [][]byte
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			keys = append(keys, DocKey(n))
		}
	}
	ix.Prefetch(ctx, TableStored, keys, nil)
}

func (ix *Index) fetchAll(ctx context.Context, names map[string]bool) {
	ix.mu.Lock()
	for n := range names {
		if ix.pages[n] != nil {
			delete(names, n)
		}
	}
	ix.mu.Unlock()
	var wg sync.WaitGroup
	for n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = ix.page(ctx, n)
		}()
	}
	wg.Wait()
}

// Prefetch implements the engine's prefetching hook for this reader: the
// postings of terms, the positions of phraseTerms, dictionary ranges of
// prefixes, and the facet values; then the norms of the documents in those
// postings and of every document for normFields.
func (r *Reader) Prefetch(terms, phraseTerms, prefixes [][2]string, normFields []string) {
	var keys, posKeys [][]byte
	for _, ft := range terms {
		keys = append(keys, TermKey(ft[0], []byte(ft[1])))
	}
	for _, ft := range phraseTerms {
		posKeys = append(posKeys, TermKey(ft[0], []byte(ft[1])))
	}
	var ranges [][2][]byte
	for _, fp := range prefixes {
		start := TermKey(fp[0], []byte(fp[1]))
		end := append(TermKey(fp[0], []byte(fp[1])), 0xff)
		if fp[1] == "" {
			end = append([]byte(fp[0]), 1)
		}
		ranges = append(ranges, [2][]byte{start, end})
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); r.ix.Prefetch(r.ctx, TablePostings, keys, nil) }()
	go func() { defer wg.Done(); r.ix.Prefetch(r.ctx, TablePositions, posKeys, nil) }()
	go func() { defer wg.Done(); r.ix.Prefetch(r.ctx, TableDict, nil, ranges) }()
	// A norms table of a page or two (a small site) comes in the same round
	// as the postings: any scored term needs it. Larger ones are fetched
	// once the postings show which chunks their documents fall in.
	small := false
	if t := r.ix.man.Tables[TableNorms]; t != nil && !t.Dir && len(t.Files) <= smallNorms && len(terms) > 0 {
		small = true
		wg.Add(1)
		go func() { defer wg.Done(); r.ix.Prefetch(r.ctx, TableNorms, nil, [][2][]byte{{nil, nil}}) }()
	}
	if r.ix.man.Facets != "" {
		_, _ = r.ix.loadFacets(r.ctx)
	}
	wg.Wait()
	if !small {
		r.ix.Prefetch(r.ctx, TableNorms, r.normKeys(terms, normFields), nil)
	}
}

// smallNorms is the most pages a norms table may have to be fetched whole
// with the postings.
const smallNorms = 2

// normKeys lists the chunks of field lengths that scoring the terms will
// read, and every chunk of fields.
func (r *Reader) normKeys(terms [][2]string, fields []string) [][]byte {
	field := func(f string) string {
		if o, ok := r.ix.man.NormsOf[f]; ok {
			return o
		}
		return f
	}
	want := map[string]map[uint64]bool{}
	add := func(f string, c uint64) {
		if want[f] == nil {
			want[f] = map[uint64]bool{}
		}
		want[f][c] = true
	}
	for _, f := range fields {
		for c := uint64(0); c*NormChunk < r.ix.man.Docs; c++ {
			add(field(f), c)
		}
	}
	for _, ft := range terms {
		f := field(ft[0])
		// Once every chunk of the field is cached or wanted (always, on a
		// warm query), walking the postings cannot add anything: skipping
		// it was 12% of a warm query on the 10k corpus.
		if r.ix.normsCovered(f, want[f]) {
			continue
		}
		v, ok, err := r.ix.get(r.ctx, TablePostings, TermKey(ft[0], []byte(ft[1])))
		if err != nil || !ok {
			continue
		}
		forEachDoc(v, func(doc uint64) { add(f, doc/NormChunk) })
	}
	var keys [][]byte
	for f, cs := range want {
		for c := range cs {
			keys = append(keys, NormKey(f, c))
		}
	}
	return keys
}

// normsCovered reports whether every chunk of field's lengths is either in
// wanted or on a page already cached.
func (ix *Index) normsCovered(field string, wanted map[uint64]bool) bool {
	t := ix.man.Tables[TableNorms]
	if t == nil || t.Dir {
		return false
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for c := uint64(0); c*NormChunk < ix.man.Docs; c++ {
		if wanted[c] {
			continue
		}
		pi := pageFor(t, NormKey(field, c))
		if pi < 0 || ix.pages[t.Files[pi]] == nil {
			return false
		}
	}
	return true
}

// forEachDoc calls fn with each document of a postings value.
func forEachDoc(v []byte, fn func(doc uint64)) {
	var t termFieldReader
	if t.open(v) != nil {
		return
	}
	var d index.TermFieldDoc
	for {
		if x, err := t.Next(&d); x == nil || err != nil {
			return
		}
		fn(t.doc)
	}
}

// PrefetchDocs implements the engine's prefetching hook for stored fields.
func (r *Reader) PrefetchDocs(ids []string) { r.ix.PrefetchDocs(r.ctx, ids) }
